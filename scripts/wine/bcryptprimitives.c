// Wine 8.0 (Debian 12) has no bcryptprimitives.dll, whose ProcessPrng every
// Go 1.22+ Windows program needs at start (Windows 10 has it). This stand-in
// is built for the Wine prefix of scripts/test-windows-wine.sh only, never
// shipped: it fills the buffer from RtlGenRandom (advapi32's
// SystemFunction036), which Wine implements from the host's random source.
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size) {
  while (size > 0) {
    ULONG n = size > 0x10000000 ? 0x10000000 : (ULONG)size;
    if (!SystemFunction036(data, n)) return FALSE;
    data += n;
    size -= n;
  }
  return TRUE;
}
