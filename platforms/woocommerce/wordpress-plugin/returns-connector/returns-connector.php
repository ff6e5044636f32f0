<?php
/**
 * Plugin Name:          Returns Connector
 * Description:          Opens the returns connector's agents' admin from WordPress, and lets customers request a return from My Account.
 * Version:              1.0.0
 * Requires at least:    6.5
 * Requires PHP:         7.4
 * Requires Plugins:     woocommerce
 * WC requires at least: 8.0
 * WC tested up to:      10.0
 * Author:               Returns Connector
 * License:              GPL-2.0-or-later
 * License URI:          https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:          returns-connector
 * Domain Path:          /languages
 *
 * A thin companion of the connector: it holds no return data. It signs short-lived tokens with the store's shared
 * secret (includes/token.php) and sends the browser to the connector with them: agents to the admin, customers to
 * the return portal. The secret stays in this site's options and is never sent to a browser.
 *
 * @package ReturnsConnector
 */

defined( 'ABSPATH' ) || exit;

const RETURNS_CONNECTOR_VERSION = '1.0.0';

require_once __DIR__ . '/includes/token.php';
require_once __DIR__ . '/includes/settings.php';
require_once __DIR__ . '/includes/admin.php';
require_once __DIR__ . '/includes/account.php';

/*
 * HPOS: orders are only read through WooCommerce's CRUD (wc_get_order), never from the posts table, so the plugin
 * works with either order storage and says so.
 */
add_action(
	'before_woocommerce_init',
	function () {
		if ( class_exists( \Automattic\WooCommerce\Utilities\FeaturesUtil::class ) ) {
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'custom_order_tables', __FILE__, true );
		}
	}
);

add_action(
	'init',
	function () {
		load_plugin_textdomain( 'returns-connector', false, dirname( plugin_basename( __FILE__ ) ) . '/languages' );
	}
);

add_filter(
	'plugin_action_links_' . plugin_basename( __FILE__ ),
	function ( $links ) {
		if ( current_user_can( 'manage_options' ) ) {
			$url = admin_url( 'admin.php?page=' . RETURNS_CONNECTOR_SETTINGS_PAGE );
			array_unshift( $links, '<a href="' . esc_url( $url ) . '">' . esc_html__( 'Settings', 'returns-connector' ) . '</a>' );
		}
		return $links;
	}
);

returns_connector_admin_hooks();
returns_connector_settings_hooks();
returns_connector_account_hooks();
