<?php
/**
 * The agents' way into the connector's admin: the "Returns" menu page and a box on each order's screen.
 *
 * Both show a button that opens the admin in a new tab. The button points back at this site
 * (admin-post.php?action=returns_connector_open, with a nonce); only when it is followed does this server sign a
 * token (includes/token.php) for the signed-in user and redirect the browser to the connector's
 * /admin/enter/woocommerce. So no token sits in a page, each one is minutes old when used, and the connector
 * accepts it once.
 *
 * Who may: users who can manage WooCommerce. The token names their role for the connector: "administrator" for
 * those who can manage the site's options, else "shop_manager".
 *
 * @package ReturnsConnector
 */

defined( 'ABSPATH' ) || exit;

const RETURNS_CONNECTOR_MENU_PAGE = 'returns-connector';

/**
 * Register the menu, the order box and the redirect.
 */
function returns_connector_admin_hooks() {
	add_action( 'admin_menu', 'returns_connector_admin_menu' );
	add_action( 'add_meta_boxes', 'returns_connector_add_order_box' );
	add_action( 'admin_post_returns_connector_open', 'returns_connector_open_admin' );
}

/**
 * "Returns" for whoever manages WooCommerce, and its "Settings" for administrators.
 */
function returns_connector_admin_menu() {
	add_menu_page(
		__( 'Returns', 'returns-connector' ),
		__( 'Returns', 'returns-connector' ),
		'manage_woocommerce',
		RETURNS_CONNECTOR_MENU_PAGE,
		'returns_connector_render_returns_page',
		'dashicons-undo',
		56
	);
	add_submenu_page(
		RETURNS_CONNECTOR_MENU_PAGE,
		__( 'Returns settings', 'returns-connector' ),
		__( 'Settings', 'returns-connector' ),
		'manage_options',
		RETURNS_CONNECTOR_SETTINGS_PAGE,
		'returns_connector_render_settings_page'
	);
}

/**
 * The role the connector gives this user: "administrator", "shop_manager", or "" (none: no token).
 *
 * @param WP_User $user A user.
 * @return string
 */
function returns_connector_role_of( $user ) {
	if ( user_can( $user, 'manage_options' ) ) {
		return 'administrator';
	}
	return user_can( $user, 'manage_woocommerce' ) ? 'shop_manager' : '';
}

/**
 * The address of the button: this site's redirect, for an order or for the whole queue (0).
 *
 * @param int $order_id An order's id, or 0.
 * @return string
 */
function returns_connector_open_url( $order_id = 0 ) {
	$args = array( 'action' => 'returns_connector_open' );
	if ( $order_id > 0 ) {
		$args['order'] = (int) $order_id;
	}
	return wp_nonce_url( add_query_arg( $args, admin_url( 'admin-post.php' ) ), 'returns_connector_open' );
}

/**
 * The button (a link styled as one), opening in a new tab, or a word about the missing settings.
 *
 * @param int    $order_id An order's id, or 0.
 * @param string $label    The button's words.
 */
function returns_connector_open_button( $order_id, $label ) {
	if ( ! returns_connector_is_configured() ) {
		echo '<p>' . esc_html__( 'The connection to the returns connector is not set up yet.', 'returns-connector' ) . '</p>';
		if ( current_user_can( 'manage_options' ) ) {
			$url = admin_url( 'admin.php?page=' . RETURNS_CONNECTOR_SETTINGS_PAGE );
			echo '<p><a href="' . esc_url( $url ) . '">' . esc_html__( 'Open the settings', 'returns-connector' ) . '</a></p>';
		}
		return;
	}
	printf(
		'<a class="button button-primary" href="%1$s" target="_blank" rel="noopener">%2$s<span class="screen-reader-text"> %3$s</span></a>',
		esc_url( returns_connector_open_url( $order_id ) ),
		esc_html( $label ),
		esc_html__( '(opens in a new tab)', 'returns-connector' )
	);
}

/**
 * The "Returns" page: where the returns are handled, and the button that opens them.
 */
function returns_connector_render_returns_page() {
	?>
	<div class="wrap">
		<h1><?php esc_html_e( 'Returns', 'returns-connector' ); ?></h1>
		<p><?php esc_html_e( 'Returns are handled in the returns connector: approve, receive, inspect and refund them there.', 'returns-connector' ); ?></p>
		<?php returns_connector_open_button( 0, __( 'Open the returns', 'returns-connector' ) ); ?>
	</div>
	<?php
}

/**
 * The order box, on the order screen of either storage: HPOS (wc-orders page) and the legacy posts screen.
 */
function returns_connector_add_order_box() {
	$screens = array( 'shop_order' );
	if ( function_exists( 'wc_get_page_screen_id' ) ) {
		$screens[] = wc_get_page_screen_id( 'shop-order' );
	}
	foreach ( array_unique( $screens ) as $screen ) {
		add_meta_box(
			'returns-connector',
			__( 'Returns', 'returns-connector' ),
			'returns_connector_render_order_box',
			$screen,
			'side',
			'high'
		);
	}
}

/**
 * The order box's content. WooCommerce passes a WC_Order on the HPOS screen and a WP_Post on the legacy one.
 *
 * @param WP_Post|WC_Order $post_or_order The order being edited.
 */
function returns_connector_render_order_box( $post_or_order ) {
	$order = ( $post_or_order instanceof WP_Post ) ? wc_get_order( $post_or_order->ID ) : $post_or_order;
	if ( ! $order instanceof WC_Order ) {
		return;
	}
	returns_connector_open_button( $order->get_id(), __( 'Open this order\'s returns', 'returns-connector' ) );
}

/**
 * Follow the button: sign a token for the signed-in user (and the order, when given) and send the browser to
 * the connector. Refuses users who cannot manage WooCommerce and requests without this site's nonce.
 */
function returns_connector_open_admin() {
	if ( ! current_user_can( 'manage_woocommerce' ) ) {
		wp_die( esc_html__( 'You are not allowed to open the returns.', 'returns-connector' ), '', array( 'response' => 403 ) );
	}
	check_admin_referer( 'returns_connector_open' );
	if ( ! returns_connector_is_configured() ) {
		wp_safe_redirect( admin_url( 'admin.php?page=' . RETURNS_CONNECTOR_MENU_PAGE ) );
		exit;
	}
	$user  = wp_get_current_user();
	$extra = array(
		'user'   => (int) $user->ID,
		'login'  => (string) $user->user_login,
		'role'   => returns_connector_role_of( $user ),
		'locale' => get_user_locale( $user ),
	);
	$order = isset( $_GET['order'] ) ? wc_get_order( absint( wp_unslash( $_GET['order'] ) ) ) : false;
	if ( $order instanceof WC_Order ) {
		$extra['order']        = (string) $order->get_id();
		$extra['order_number'] = (string) $order->get_order_number();
	}
	returns_connector_redirect( 'admin', '/admin/enter/woocommerce', $extra );
}

/**
 * Sign a token for ``$audience`` with ``$extra`` claims and redirect the browser to the connector's ``$path``.
 * The answer is never cached and sends no Referer onwards.
 *
 * @param string $audience "admin" or "return".
 * @param string $path     The connector's entry.
 * @param array  $extra    The audience's claims.
 */
function returns_connector_redirect( $audience, $path, array $extra ) {
	$settings = returns_connector_settings();
	$claims   = returns_connector_claims( $audience, $settings['shop_id'], home_url(), $extra, time() );
	$token    = returns_connector_sign_token( $claims, returns_connector_secret() );
	nocache_headers();
	header( 'Referrer-Policy: no-referrer' );
	wp_redirect( returns_connector_entry_url( $settings['url'], $path, $token ), 303 ); // phpcs:ignore WordPress.Security.SafeRedirect.wp_redirect_wp_redirect -- the connector's configured address.
	exit;
}
