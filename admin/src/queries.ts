/** Every document the app sends: all of them in the public contract (schema.graphql). */

export const ORDER_FIELDS = `
  id tiktokOrderId fulfillmentType isFbt tiktokStatus syncStatus blockedReason failureReason
  syncAttempts appliedFbtSyncMode platformOrderId platformOrderStatus tags inventoryDeductedFrom
  currency totalAmount placedAt syncedAt updatedAt version`;

export const CHECK_TOKEN = `query CheckToken { stores(first: 1) { totalCount } }`;

export const STORES = `query Stores($after: String) {
  stores(first: 50, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name platform plan shopDomain fbtSyncRules { mode }
      orderCounts { pending blocked synced failed cancelled } } }
  }
}`;

export const STORE_ORDERS = `query StoreOrders($storeId: ID!, $first: Int!, $after: String, $filter: OrderFilter) {
  store(id: $storeId) {
    id name platform plan fbtSyncRules { mode }
    orderCounts { pending blocked synced failed cancelled }
    orders(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { ${ORDER_FIELDS} } }
    }
  }
}`;

export const ORDER_COUNTS = `query OrderCounts($storeId: ID!) {
  store(id: $storeId) { id orderCounts { pending blocked synced failed cancelled } }
}`;

export const ORDER = `query Order($id: ID!) {
  order(id: $id) {
    ${ORDER_FIELDS}
    store { id name platform }
    lineItems { sku title quantity unitPrice }
    history { globalPosition streamVersion type data metadata recordedAt }
  }
}`;

export const ORDER_CHANGED = `subscription OrderChanged($storeId: ID!) {
  orderChanged(storeId: $storeId) { ${ORDER_FIELDS} }
}`;

export const RETRY = `mutation Retry($orderId: ID!) {
  retryOrderSync(input: { orderId: $orderId }) {
    order { id syncStatus failureReason }
    userErrors { field message code }
  }
}`;

export const STORE_SETTINGS = `query StoreSettings($storeId: ID!) {
  store(id: $storeId) {
    id name platform plan shopDomain version availableFbtSyncModes
    fbtSyncRules { mode orderTag updatedAt updatedBy }
    shopifyConnection { state scopes installedAt uninstalledAt installPath }
    tiktokAuthorization { state grantedScopes authorizedAt deauthorizedAt authorizeUrl }
  }
}`;

export const UPDATE_RULES = `mutation UpdateRules($input: UpdateFbtSyncRulesInput!) {
  updateFbtSyncRules(input: $input) {
    store { id version availableFbtSyncModes fbtSyncRules { mode orderTag updatedAt updatedBy } }
    userErrors { field message code }
  }
}`;

export const PROJECTIONS = `query Projections { projections { name position lag } }`;
