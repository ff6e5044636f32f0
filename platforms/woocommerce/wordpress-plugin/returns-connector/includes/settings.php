<?php
/**
 * The plugin's settings: the connector's address, this store's shop id there, and the shared secret.
 *
 * The merchant gets all three from the connector (`returns-connector shops plugin --url <store>`)
 * and pastes them here, in Returns > Settings (administrators only). The secret is kept in its own option,
 * not autoloaded, and is never written back into a page: its field is always empty, and leaving it empty keeps
 * the stored one. A page only says whether one is stored.
 *
 * @package ReturnsConnector
 */

defined( 'ABSPATH' ) || exit;

const RETURNS_CONNECTOR_SETTINGS_PAGE = 'returns-connector-settings';
const RETURNS_CONNECTOR_OPTION_URL    = 'returns_connector_url';
const RETURNS_CONNECTOR_OPTION_SHOP   = 'returns_connector_shop_id';
const RETURNS_CONNECTOR_OPTION_SECRET = 'returns_connector_secret';

/**
 * The connector's address (no trailing slash) and this store's shop id there; empty strings when unset.
 *
 * @return array{url: string, shop_id: string}
 */
function returns_connector_settings() {
	return array(
		'url'     => untrailingslashit( (string) get_option( RETURNS_CONNECTOR_OPTION_URL, '' ) ),
		'shop_id' => (string) get_option( RETURNS_CONNECTOR_OPTION_SHOP, '' ),
	);
}

/**
 * The shared secret, for signing on this server only. Never print it or put it into a page.
 *
 * @return string
 */
function returns_connector_secret() {
	return (string) get_option( RETURNS_CONNECTOR_OPTION_SECRET, '' );
}

/**
 * Whether a token can be signed: an address, a shop id and a secret are all set.
 *
 * @return bool
 */
function returns_connector_is_configured() {
	$settings = returns_connector_settings();
	return '' !== $settings['url'] && '' !== $settings['shop_id'] && '' !== returns_connector_secret();
}

/**
 * The connector's address as typed, when it is an http(s) URL without query or fragment; else null.
 *
 * @param string $raw As posted.
 * @return string|null
 */
function returns_connector_clean_url( $raw ) {
	$url   = trim( (string) $raw );
	$parts = wp_parse_url( $url );
	if ( ! is_array( $parts ) || empty( $parts['host'] ) || ! in_array( $parts['scheme'] ?? '', array( 'http', 'https' ), true ) ) {
		return null;
	}
	if ( isset( $parts['query'] ) || isset( $parts['fragment'] ) || isset( $parts['user'] ) ) {
		return null;
	}
	return untrailingslashit( esc_url_raw( $url, array( 'http', 'https' ) ) );
}

/**
 * Register the settings page and its form's handler.
 */
function returns_connector_settings_hooks() {
	add_action( 'admin_post_returns_connector_save_settings', 'returns_connector_save_settings' );
}

/**
 * Save the settings form (administrators only, with the form's nonce); then back to the page with a notice.
 */
function returns_connector_save_settings() {
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_die( esc_html__( 'You are not allowed to change these settings.', 'returns-connector' ), '', array( 'response' => 403 ) );
	}
	check_admin_referer( 'returns_connector_save_settings' );
	$url     = returns_connector_clean_url( wp_unslash( $_POST['returns_connector_url'] ?? '' ) );
	$shop_id = trim( sanitize_text_field( wp_unslash( $_POST['returns_connector_shop_id'] ?? '' ) ) );
	$secret  = trim( (string) wp_unslash( $_POST['returns_connector_secret'] ?? '' ) ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- a secret, used as is.
	$errors  = array();
	if ( null === $url ) {
		$errors[] = 'url';
	}
	if ( ! preg_match( '/^[A-Za-z0-9_-]{1,64}$/', $shop_id ) ) {
		$errors[] = 'shop';
	}
	if ( '' !== $secret && ! preg_match( '/^[\x21-\x7e]{32,200}$/', $secret ) ) {
		$errors[] = 'secret';
	}
	if ( ! $errors ) {
		update_option( RETURNS_CONNECTOR_OPTION_URL, $url );
		update_option( RETURNS_CONNECTOR_OPTION_SHOP, $shop_id );
		if ( '' !== $secret ) {
			update_option( RETURNS_CONNECTOR_OPTION_SECRET, $secret, false );
		}
	}
	$back = add_query_arg(
		array(
			'page'    => RETURNS_CONNECTOR_SETTINGS_PAGE,
			'saved'   => $errors ? '0' : '1',
			'invalid' => implode( ',', $errors ),
		),
		admin_url( 'admin.php' )
	);
	wp_safe_redirect( $back );
	exit;
}

/**
 * The notices after a save: what was saved, or which field was refused.
 */
function returns_connector_settings_notices() {
	if ( ! isset( $_GET['saved'] ) ) { // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- display only.
		return;
	}
	if ( '1' === $_GET['saved'] ) { // phpcs:ignore WordPress.Security.NonceVerification.Recommended
		echo '<div class="notice notice-success" role="status"><p>' . esc_html__( 'Settings saved.', 'returns-connector' ) . '</p></div>';
		return;
	}
	$invalid  = explode( ',', sanitize_text_field( wp_unslash( $_GET['invalid'] ?? '' ) ) ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended
	$messages = array(
		'url'    => __( 'The connector address must be an http or https address, such as https://returns.example.com.', 'returns-connector' ),
		'shop'   => __( 'The shop ID is the one the connector gave: letters, digits, "-" and "_" only.', 'returns-connector' ),
		'secret' => __( 'The shared secret is the one the connector gave: at least 32 characters, without spaces.', 'returns-connector' ),
	);
	echo '<div class="notice notice-error" role="alert"><p>' . esc_html__( 'Nothing was saved:', 'returns-connector' ) . '</p><ul>';
	foreach ( $invalid as $field ) {
		if ( isset( $messages[ $field ] ) ) {
			echo '<li>' . esc_html( $messages[ $field ] ) . '</li>';
		}
	}
	echo '</ul></div>';
}

/**
 * The settings page: three fields, the secret's always empty.
 */
function returns_connector_render_settings_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	$settings   = returns_connector_settings();
	$has_secret = '' !== returns_connector_secret();
	?>
	<div class="wrap">
		<h1><?php esc_html_e( 'Returns settings', 'returns-connector' ); ?></h1>
		<?php returns_connector_settings_notices(); ?>
		<p><?php esc_html_e( 'Run "returns-connector shops plugin --url <this store>" where the connector runs: it gives the three values below.', 'returns-connector' ); ?></p>
		<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>">
			<input type="hidden" name="action" value="returns_connector_save_settings">
			<?php wp_nonce_field( 'returns_connector_save_settings' ); ?>
			<table class="form-table" role="presentation">
				<tr>
					<th scope="row"><label for="returns_connector_url"><?php esc_html_e( 'Connector address', 'returns-connector' ); ?></label></th>
					<td><input type="url" class="regular-text" id="returns_connector_url" name="returns_connector_url" value="<?php echo esc_attr( $settings['url'] ); ?>" required autocomplete="url"></td>
				</tr>
				<tr>
					<th scope="row"><label for="returns_connector_shop_id"><?php esc_html_e( 'Shop ID', 'returns-connector' ); ?></label></th>
					<td><input type="text" class="regular-text" id="returns_connector_shop_id" name="returns_connector_shop_id" value="<?php echo esc_attr( $settings['shop_id'] ); ?>" required pattern="[A-Za-z0-9_\-]{1,64}" autocomplete="off"></td>
				</tr>
				<tr>
					<th scope="row"><label for="returns_connector_secret"><?php esc_html_e( 'Shared secret', 'returns-connector' ); ?></label></th>
					<td>
						<input type="password" class="regular-text" id="returns_connector_secret" name="returns_connector_secret" value="" autocomplete="new-password" aria-describedby="returns_connector_secret_help">
						<p class="description" id="returns_connector_secret_help">
							<?php
							echo esc_html(
								$has_secret
									? __( 'A secret is stored. Leave this empty to keep it; it is never shown again.', 'returns-connector' )
									: __( 'No secret is stored yet.', 'returns-connector' )
							);
							?>
						</p>
					</td>
				</tr>
			</table>
			<?php submit_button( __( 'Save settings', 'returns-connector' ) ); ?>
		</form>
	</div>
	<?php
}
