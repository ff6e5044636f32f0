<?php
/**
 * The short-lived tokens this plugin signs for the returns connector.
 *
 * Why a token and not a password: the connector's pages open in the browser of a WordPress user who is already
 * signed in here. WordPress vouches for them by signing a token with the store's shared secret (which only this
 * server and the connector know, and which never reaches a browser); the connector checks it and opens a session
 * of its own for that store.
 *
 * Format (the connector's platforms/woocommerce/plugin_token.py reads it, and the tests sign with these very
 * functions under php-cli):
 *
 *     token     = payload "." signature
 *     payload   = base64url( JSON claims )                       (RFC 4648 section 5, no "=" padding)
 *     signature = base64url( HMAC-SHA256( shared secret, "returns-connector.v1." . payload ) )
 *
 * Claims of every token: "v" (1), "aud" ("admin": the agents' admin; "return": a customer's return of an
 * order), "shop" (the connector's shop id), "store" (this site's home URL), "iat" and "exp" (Unix seconds, a
 * few minutes apart), "nonce" (random; the connector accepts each token once). Admin tokens add "user" (the
 * WordPress user id), "login", "role" ("administrator" or "shop_manager") and "locale" (the user's, such as
 * "fr_FR"), and "order" when opened from an order; return tokens add "order" and "customer".
 *
 * Nothing in this file calls WordPress, so that php-cli can include it on its own.
 *
 * @package ReturnsConnector
 */

defined( 'ABSPATH' ) || exit;

/** What the signature covers before the payload: a token of another scheme or version is never valid here. */
const RETURNS_CONNECTOR_TOKEN_CONTEXT = 'returns-connector.v1.';

/** Seconds a token lives: enough for a redirect, too short to be worth stealing from a log. */
const RETURNS_CONNECTOR_TOKEN_LIFETIME = 300;

/**
 * Base64url without padding (RFC 4648 section 5), which survives a URL's query string untouched.
 *
 * @param string $bytes Raw bytes.
 * @return string
 */
function returns_connector_base64url( $bytes ) {
	return rtrim( strtr( base64_encode( $bytes ), '+/', '-_' ), '=' );
}

/**
 * The claims every token carries, plus ``$extra`` (which cannot override them).
 *
 * @param string $audience "admin" or "return".
 * @param string $shop_id  The connector's id of this store.
 * @param string $store    This site's home URL.
 * @param array  $extra    The audience's own claims.
 * @param int    $now      Unix seconds.
 * @param int    $lifetime Seconds until the token expires.
 * @return array
 */
function returns_connector_claims( $audience, $shop_id, $store, array $extra, $now, $lifetime = RETURNS_CONNECTOR_TOKEN_LIFETIME ) {
	return array_merge(
		$extra,
		array(
			'v'     => 1,
			'aud'   => (string) $audience,
			'shop'  => (string) $shop_id,
			'store' => (string) $store,
			'iat'   => (int) $now,
			'exp'   => (int) $now + (int) $lifetime,
			'nonce' => bin2hex( random_bytes( 16 ) ),
		)
	);
}

/**
 * Sign ``$claims`` with the store's shared secret.
 *
 * @param array  $claims Claims, as returns_connector_claims() makes them.
 * @param string $secret The shared secret the connector gave for this store.
 * @return string The token, or an empty string when there is no secret or the claims cannot be encoded.
 */
function returns_connector_sign_token( array $claims, $secret ) {
	$json = json_encode( $claims, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
	if ( '' === (string) $secret || false === $json ) {
		return '';
	}
	$payload   = returns_connector_base64url( $json );
	$signature = hash_hmac( 'sha256', RETURNS_CONNECTOR_TOKEN_CONTEXT . $payload, (string) $secret, true );
	return $payload . '.' . returns_connector_base64url( $signature );
}

/**
 * The address at the connector that takes a token: ``$base`` . ``$path`` . "?token=" . the token.
 *
 * @param string $base  The connector's address (no trailing slash needed).
 * @param string $path  Such as "/admin/enter/woocommerce".
 * @param string $token A signed token.
 * @return string
 */
function returns_connector_entry_url( $base, $path, $token ) {
	return rtrim( (string) $base, '/' ) . $path . '?token=' . rawurlencode( $token );
}
