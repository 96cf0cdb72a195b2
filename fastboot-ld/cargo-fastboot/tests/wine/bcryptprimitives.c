/*
 * ProcessPrng, which Rust's standard library imports from
 * bcryptprimitives.dll on Windows (since Rust 1.78) and which Debian's
 * wine 8 lacks, so that every Rust program fails to start under it.
 * It fills the buffer from advapi32's SystemFunction036 (RtlGenRandom),
 * which wine has. For the tests only: setup.sh installs it in the prefix.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
