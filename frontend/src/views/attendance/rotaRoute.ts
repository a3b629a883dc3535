// The rota page behind one more lazy hop: the route in the entry bundle then
// names one small chunk instead of the page's ~60 dependencies, which the
// login page's gzip budget (scripts/bundle-budget.mjs) has no room for.
export const loadRotaView = () => import('./RotaView.vue')
