// Space quotas as an administrator edits them: in GB (1024³ bytes, one
// decimal), 0 meaning no limit; the server stores bytes.

const GB = 1024 ** 3

/** quotaToGB is a quota in bytes as the GB number the quota editor shows (0 = no limit). */
export function quotaToGB(bytes: number): number {
  if (!Number.isFinite(bytes) || bytes <= 0) return 0
  return Math.round((bytes / GB) * 10) / 10
}

/** gbToQuota is the GB number typed in the quota editor as bytes (0 or less = no limit). */
export function gbToQuota(gb: number | null | undefined): number {
  if (gb == null || !Number.isFinite(gb) || gb <= 0) return 0
  return Math.round(gb * GB)
}

/** quotaChanged: the typed GB differ from the stored quota (so the row offers Save). */
export function quotaChanged(bytes: number, gb: number | null | undefined): boolean {
  return quotaToGB(bytes) !== (gb == null || gb <= 0 ? 0 : Math.round(gb * 10) / 10)
}
