<?php
/**
 * "Request a return" in My Account: on each returnable order of the orders list, and on the order's own page.
 *
 * The link points back at this site (My Account with ?returns-connector-return=<order id> and a nonce). When a
 * signed-in customer follows it for an order of theirs, this server signs a token (includes/token.php, audience
 * "return": the order, the customer, their language) and redirects to the connector's /portal/enter/woocommerce,
 * which checks it and opens the order in the return portal. So the page holds no token, and a link copied from
 * it opens nothing for anyone else.
 *
 * Which orders: completed ones, by default; the filter "returns_connector_returnable_statuses" changes the list.
 *
 * @package ReturnsConnector
 */

defined( 'ABSPATH' ) || exit;

const RETURNS_CONNECTOR_RETURN_ARG = 'returns-connector-return';

/**
 * Register the order action, the button on the order's page and the redirect.
 */
function returns_connector_account_hooks() {
	add_filter( 'woocommerce_my_account_my_orders_actions', 'returns_connector_order_actions', 10, 2 );
	add_action( 'woocommerce_order_details_after_order_table', 'returns_connector_order_details_button' );
	add_action( 'template_redirect', 'returns_connector_follow_return_link' );
}

/**
 * Whether a customer may ask to return this order (its status is one of the returnable ones).
 *
 * @param WC_Order $order An order.
 * @return bool
 */
function returns_connector_returnable( $order ) {
	$statuses = (array) apply_filters( 'returns_connector_returnable_statuses', array( 'completed' ) );
	return $order instanceof WC_Order && returns_connector_is_configured() && $order->has_status( $statuses );
}

/**
 * The link on this site that starts a return of ``$order``.
 *
 * @param WC_Order $order An order of the signed-in customer.
 * @return string
 */
function returns_connector_return_url( $order ) {
	$url = add_query_arg( RETURNS_CONNECTOR_RETURN_ARG, $order->get_id(), wc_get_page_permalink( 'myaccount' ) );
	return wp_nonce_url( $url, 'returns_connector_return_' . $order->get_id() );
}

/**
 * The orders list's actions, plus "Request a return" on returnable orders.
 *
 * @param array    $actions The order's actions (key => array( 'url' => ..., 'name' => ... )).
 * @param WC_Order $order   The order.
 * @return array
 */
function returns_connector_order_actions( $actions, $order ) {
	if ( returns_connector_returnable( $order ) ) {
		$actions['returns-connector'] = array(
			'url'  => returns_connector_return_url( $order ),
			'name' => __( 'Request a return', 'returns-connector' ),
		);
	}
	return $actions;
}

/**
 * The button under the order's table in My Account (view-order), for its owner only.
 *
 * @param WC_Order $order The order shown.
 */
function returns_connector_order_details_button( $order ) {
	if ( ! is_account_page() || ! returns_connector_returnable( $order ) ) {
		return;
	}
	if ( (int) $order->get_customer_id() !== get_current_user_id() ) {
		return;
	}
	printf(
		'<p class="returns-connector"><a class="woocommerce-button button" href="%1$s">%2$s</a></p>',
		esc_url( returns_connector_return_url( $order ) ),
		esc_html__( 'Request a return', 'returns-connector' )
	);
}

/**
 * Follow the link: for the signed-in owner of a returnable order, with this site's nonce, sign a token and
 * redirect to the connector. Anyone else is sent back to My Account.
 */
function returns_connector_follow_return_link() {
	if ( ! isset( $_GET[ RETURNS_CONNECTOR_RETURN_ARG ] ) ) {
		return;
	}
	$order_id = absint( wp_unslash( $_GET[ RETURNS_CONNECTOR_RETURN_ARG ] ) );
	$nonce    = sanitize_text_field( wp_unslash( $_GET['_wpnonce'] ?? '' ) );
	$order    = $order_id ? wc_get_order( $order_id ) : false;
	$customer = get_current_user_id();
	$allowed  = $customer > 0
		&& wp_verify_nonce( $nonce, 'returns_connector_return_' . $order_id )
		&& $order instanceof WC_Order
		&& (int) $order->get_customer_id() === $customer
		&& returns_connector_returnable( $order );
	if ( ! $allowed ) {
		wp_safe_redirect( wc_get_page_permalink( 'myaccount' ) );
		exit;
	}
	$extra = array(
		'order'    => (string) $order->get_id(),
		'customer' => $customer,
		'locale'   => get_user_locale( $customer ),
	);
	returns_connector_redirect( 'return', '/portal/enter/woocommerce', $extra );
}
