package io.swrap.selftest.peers;

import io.swrap.smbclient.RawSession;
import io.swrap.smbclient.RawSession.Message;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Malformed security descriptors and EA lists in SET_INFO (and an ExtA create context), each after a real
 * session setup: {@code HostileInputProbe HOST:PORT SHARE USER PASSWORD}. Prints one line {@code RESULT
 * key=status...} with each case's NTSTATUS (hex), then a valid descriptor, a valid EA list and what
 * FileEaInformation and FileFullDirectoryInformation then report as EaSize; the test judges the values. An
 * unexpected failure prints {@code ERROR <exception>}.
 */
public final class HostileInputProbe {
    private static final int TIMEOUT_MS = 30_000;
    private static final int GENERIC_ALL = 0x10000000;
    private static final int FILE_OPEN_IF = 3;
    private static final int INFO_FILE = 1;
    private static final int INFO_SECURITY = 3;
    private static final int FULL_EA = 15;
    private static final int DACL_SECURITY_INFORMATION = 4;
    private static final int OWNER_SECURITY_INFORMATION = 1;
    private static final int SD_HEADER = 20;
    private static final String FILE = "hostile.bin";

    private HostileInputProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (RawSession s = RawSession.open(Addr.parse(args[0]), args[2], args[3], args[1], Smb2Dialect.SMB2_10, false,
                TIMEOUT_MS)) {
            Map<String, String> out = run(s);
            StringBuilder line = new StringBuilder("RESULT");
            out.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
            System.out.println(line);
        } catch (Exception e) {
            System.out.println("ERROR " + e);
            e.printStackTrace();
        }
        System.out.flush();
    }

    private static Map<String, String> run(RawSession s) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        byte[] fid = s.create(FILE, GENERIC_ALL, FILE_OPEN_IF, 0);
        // security descriptors: each names a part that is not where, or not as long as, the header says
        byte[] everyone = sid(1, 0);
        out.put("sdOwnerBeyondEnd", sd(s, fid, OWNER_SECURITY_INFORMATION, header(0x1000, 0), everyone));
        out.put("sdTruncatedHeader", sd(s, fid, DACL_SECURITY_INFORMATION, java.util.Arrays.copyOf(header(0, 0), 12)));
        out.put("sdSidSubAuthorities", sd(s, fid, OWNER_SECURITY_INFORMATION, header(SD_HEADER, 0),
                new byte[] {1, 15, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0})); // claims 15 sub-authorities, holds 1
        out.put("sdSidRevision", sd(s, fid, OWNER_SECURITY_INFORMATION, header(SD_HEADER, 0), patch(everyone, 0, 7)));
        out.put("sdAceCount", sd(s, fid, DACL_SECURITY_INFORMATION, header(0, SD_HEADER), acl(200, 0, ace(everyone))));
        out.put("sdAceSize", sd(s, fid, DACL_SECURITY_INFORMATION, header(0, SD_HEADER),
                acl(1, 0, patchShort(ace(everyone), 2, 0xFFF0))));
        out.put("sdAceSmallerThanSid", sd(s, fid, DACL_SECURITY_INFORMATION, header(0, SD_HEADER),
                acl(1, 0, patchShort(ace(everyone), 2, 12))));
        out.put("sdAclSize", sd(s, fid, DACL_SECURITY_INFORMATION, header(0, SD_HEADER), acl(1, 0xFF00, ace(everyone))));
        out.put("sdDaclBeyondEnd", sd(s, fid, DACL_SECURITY_INFORMATION, header(0, 0x7FFFFFF0), acl(1, 0, ace(everyone))));
        // EA lists: entries whose NextEntryOffset, name or value length do not fit
        out.put("eaNextBeyondEnd", ea(s, fid, patchInt(eaList("A", "1", "B", "2"), 0, 0x7FFFFFF0)));
        out.put("eaNextInsideEntry", ea(s, fid, patchInt(eaList("A", "1", "B", "2"), 0, 4)));
        out.put("eaNameLengthZero", ea(s, fid, patch(eaList("A", "1"), 5, 0)));
        out.put("eaNameBeyondEnd", ea(s, fid, patch(eaList("A", "1"), 5, 200)));
        out.put("eaValueBeyondEnd", ea(s, fid, patchShort(eaList("A", "1"), 6, 0xFFFF)));
        out.put("eaTruncated", ea(s, fid, java.util.Arrays.copyOf(eaList("A", "1"), 6)));
        out.put("eaNameCharacter", ea(s, fid, eaList("A:B", "1")));
        out.put("extaContext", hex(s.call(Smb2Command.CREATE, createWithExtA("hostile-exta.bin",
                patchShort(eaList("A", "1"), 6, 0x4000))).status()));
        out.put("aliveAfterBadInput", Boolean.toString(s.echo()));
        // the same handle then takes a valid descriptor and a valid list, and reports the EAs' size
        out.put("sdValid", sd(s, fid, DACL_SECURITY_INFORMATION, header(0, SD_HEADER), acl(1, 0, ace(everyone))));
        out.put("eaValid", ea(s, fid, eaList("EAONE", "VALUE12", "SecondEA", "ValueTwo")));
        Message q = s.call(Smb2Command.QUERY_INFO, RawSession.body(40).putShort((short) 41).put((byte) INFO_FILE)
                .put((byte) 7).putInt(4).putShort((short) 0).putShort((short) 0).putInt(0).putInt(0).putInt(0)
                .put(fid).array());
        out.put("eaInfo", hex(q.status()));
        out.put("eaSize", Integer.toString(q.le().getInt(64 + 8)));
        s.closeFile(fid);
        out.put("dirEaSize", Integer.toString(directoryEaSize(s)));
        out.put("alive", Boolean.toString(s.echo()));
        return out;
    }

    /** FileFullDirectoryInformation (2) of {@link #FILE} in the share's root: its EaSize (entry offset 64). */
    private static int directoryEaSize(RawSession s) throws IOException {
        byte[] dir = s.create("", 0x1 | 0x80, 1, 0x1);
        byte[] pattern = FILE.getBytes(StandardCharsets.UTF_16LE);
        Message m = s.ok(s.call(Smb2Command.QUERY_DIRECTORY, RawSession.concat(RawSession.body(32)
                .putShort((short) 33).put((byte) 2).put((byte) 0).putInt(0).put(dir).putShort((short) (64 + 32))
                .putShort((short) pattern.length).putInt(4096).array(), pattern)), "QUERY_DIRECTORY");
        s.closeFile(dir);
        ByteBuffer b = m.le();
        return b.getInt(b.getShort(64 + 2) + 64);
    }

    private static String hex(int status) {
        return "0x" + Integer.toHexString(status);
    }

    /** SET_INFO of {@code type}/{@code infoClass} with {@code buffer}; its status. */
    private static String setInfo(RawSession s, byte[] fid, int type, int infoClass, int additional, byte[] buffer)
            throws IOException {
        byte[] fixed = RawSession.body(32).putShort((short) 33).put((byte) type).put((byte) infoClass)
                .putInt(buffer.length).putShort((short) (64 + 32)).putShort((short) 0).putInt(additional).put(fid)
                .array();
        return hex(s.call(Smb2Command.SET_INFO, RawSession.concat(fixed, buffer)).status());
    }

    private static String sd(RawSession s, byte[] fid, int info, byte[]... parts) throws IOException {
        return setInfo(s, fid, INFO_SECURITY, 0, info, RawSession.concat(parts));
    }

    private static String ea(RawSession s, byte[] fid, byte[] list) throws IOException {
        return setInfo(s, fid, INFO_FILE, FULL_EA, 0, list);
    }

    /** A self-relative descriptor's header (SE_SELF_RELATIVE, and SE_DACL_PRESENT when it has a DACL). */
    private static byte[] header(int ownerOffset, int daclOffset) {
        return RawSession.body(SD_HEADER).put((byte) 1).put((byte) 0)
                .putShort((short) (0x8000 | (daclOffset != 0 ? 0x4 : 0))).putInt(ownerOffset).putInt(0).putInt(0)
                .putInt(daclOffset).array();
    }

    private static byte[] sid(int authority, long... subs) {
        ByteBuffer b = RawSession.body(8 + 4 * subs.length).put((byte) 1).put((byte) subs.length);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) 0).putInt(authority).order(ByteOrder.LITTLE_ENDIAN);
        for (long sub : subs) {
            b.putInt((int) sub);
        }
        return b.array();
    }

    /** ACCESS_ALLOWED_ACE with GENERIC_READ-like rights 0x120089 for {@code sid}. */
    private static byte[] ace(byte[] sid) {
        return RawSession.concat(RawSession.body(8).put((byte) 0).put((byte) 0).putShort((short) (8 + sid.length))
                .putInt(0x120089).array(), sid);
    }

    /** An ACL holding {@code aces}, claiming {@code count} ACEs and {@code size} bytes (0: the true size). */
    private static byte[] acl(int count, int size, byte[] aces) {
        return RawSession.concat(RawSession.body(8).put((byte) 2).put((byte) 0)
                .putShort((short) (size != 0 ? size : 8 + aces.length)).putShort((short) count).putShort((short) 0)
                .array(), aces);
    }

    /** FILE_FULL_EA_INFORMATION of name/value pairs, entries 4-byte aligned. */
    private static byte[] eaList(String... pairs) {
        byte[] out = new byte[0];
        for (int i = 0; i < pairs.length; i += 2) {
            byte[] n = pairs[i].getBytes(StandardCharsets.US_ASCII);
            byte[] v = pairs[i + 1].getBytes(StandardCharsets.US_ASCII);
            int size = 8 + n.length + 1 + v.length;
            boolean last = i + 2 >= pairs.length;
            int padded = last ? size : (size + 3) & ~3;
            ByteBuffer e = RawSession.body(padded).putInt(last ? 0 : padded).put((byte) 0).put((byte) n.length)
                    .putShort((short) v.length).put(n).put((byte) 0).put(v);
            out = RawSession.concat(out, e.array());
        }
        return out;
    }

    private static byte[] createWithExtA(String name, byte[] eas) {
        byte[] n = name.getBytes(StandardCharsets.UTF_16LE);
        int nameLen = (n.length + 7) & ~7;
        int ctxOff = 64 + 56 + nameLen;
        byte[] ctx = RawSession.concat(RawSession.body(24).putInt(0).putShort((short) 16).putShort((short) 4)
                .putShort((short) 0).putShort((short) 24).putInt(eas.length).put("ExtA".getBytes(StandardCharsets.US_ASCII))
                .putInt(0).array(), eas);
        byte[] fixed = RawSession.body(56).putShort((short) 57).put((byte) 0).put((byte) 0).putInt(2).putLong(0)
                .putLong(0).putInt(GENERIC_ALL).putInt(0x80).putInt(7).putInt(FILE_OPEN_IF).putInt(0)
                .putShort((short) (64 + 56)).putShort((short) n.length).putInt(ctxOff).putInt(ctx.length).array();
        return RawSession.concat(fixed, java.util.Arrays.copyOf(n, nameLen), ctx);
    }

    private static byte[] patch(byte[] b, int at, int value) {
        byte[] c = b.clone();
        c[at] = (byte) value;
        return c;
    }

    private static byte[] patchShort(byte[] b, int at, int value) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) value);
        return c;
    }

    private static byte[] patchInt(byte[] b, int at, int value) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return c;
    }
}
