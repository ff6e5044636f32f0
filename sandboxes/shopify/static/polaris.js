/* The sandbox's stand-in for Polaris web components (https://cdn.shopify.com/shopifycloud/polaris-1.js), served at
 * /__sandbox/polaris.js so that no test and no demo fetches anything from the internet. It defines no element:
 * the pages' <s-*> elements stay undefined and show their plain HTML children, which is what the pages are
 * written to work with. */
window.sandboxPolaris = true;
