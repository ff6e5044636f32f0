<?php
/**
 * Deleting the plugin deletes its settings, the shared secret included. The connector keeps its side until the
 * merchant rotates or removes it there.
 *
 * @package ReturnsConnector
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

delete_option( 'returns_connector_url' );
delete_option( 'returns_connector_shop_id' );
delete_option( 'returns_connector_secret' );
