package approval

// Retitle exposes the title backfill migration to the tests.
var Retitle = retitle
