package io.swrap.smb.smb2.handler;

/** [MS-SMB2] 2.2.13.1.1 File_Pipe_Printer_Access_Mask bits and the generic mapping of [MS-FSA]. */
final class AccessMask {
    static final int FILE_READ_DATA = 0x00000001;
    static final int FILE_WRITE_DATA = 0x00000002;
    static final int FILE_APPEND_DATA = 0x00000004;
    static final int FILE_READ_EA = 0x00000008;
    static final int FILE_WRITE_EA = 0x00000010;
    static final int FILE_EXECUTE = 0x00000020;
    static final int FILE_DELETE_CHILD = 0x00000040;
    static final int FILE_READ_ATTRIBUTES = 0x00000080;
    static final int FILE_WRITE_ATTRIBUTES = 0x00000100;
    static final int DELETE = 0x00010000;
    static final int READ_CONTROL = 0x00020000;
    static final int WRITE_DAC = 0x00040000;
    static final int WRITE_OWNER = 0x00080000;
    static final int SYNCHRONIZE = 0x00100000;
    static final int MAXIMUM_ALLOWED = 0x02000000;
    static final int GENERIC_ALL = 0x10000000;
    static final int GENERIC_EXECUTE = 0x20000000;
    static final int GENERIC_WRITE = 0x40000000;
    static final int GENERIC_READ = 0x80000000;
    static final int DATA_RIGHTS = FILE_READ_DATA | FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_EXECUTE;

    private AccessMask() {
    }

    /** Maps GENERIC_* bits to specific rights (FILE_GENERIC_READ etc.) and MAXIMUM_ALLOWED to {@code maximal}. */
    static int map(int desired, int maximal) {
        int a = desired & ~(GENERIC_ALL | GENERIC_EXECUTE | GENERIC_WRITE | GENERIC_READ | MAXIMUM_ALLOWED);
        if ((desired & GENERIC_READ) != 0) {
            a |= 0x00120089;
        }
        if ((desired & GENERIC_WRITE) != 0) {
            a |= 0x00120116;
        }
        if ((desired & GENERIC_EXECUTE) != 0) {
            a |= 0x001200A0;
        }
        if ((desired & GENERIC_ALL) != 0) {
            a |= 0x001F01FF;
        }
        if ((desired & MAXIMUM_ALLOWED) != 0) {
            a |= maximal;
        }
        return a;
    }
}
