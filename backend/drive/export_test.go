package drive

// BatchRows exposes the slice size of multi-row statements to the external
// tests, so a large-file test can check its chunk list spans several slices.
const BatchRows = batchRows
