package io.swrap.selftest.fuzz;

import io.swrap.selftest.fuzz.Pdu.Body;
import io.swrap.selftest.fuzz.Pdu.Field;
import io.swrap.smbclient.RawSession;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2Header;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The valid requests the fuzzer mutates, built on a live session with its real SessionId, TreeId and
 * FileIds: each is answered with success when sent unmutated ({@link #verify} records them once per
 * connection), so a mutation starts from what a real client sends.
 */
public final class PduTemplates {
    public static final List<String> NAMES = List.of("NEGOTIATE", "SESSION_SETUP", "TREE_CONNECT", "CREATE", "WRITE",
            "READ", "QUERY_INFO", "QUERY_DIRECTORY", "SET_INFO", "LOCK", "IOCTL", "CLOSE", "CHANGE_NOTIFY", "FLUSH",
            "COMPOUND_RELATED", "COMPOUND_UNRELATED");
    private static final int GENERIC_ALL = 0x10000000;
    private static final byte[] RELATED_FID = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};

    private final RawSession s;
    private final String prefix;
    private final String serverAddress;
    private final byte[] file;
    private final byte[] dir;

    /** Opens this worker's file and directory on {@code s}; names start with {@code prefix}. */
    public PduTemplates(RawSession s, String prefix, String serverAddress) throws IOException {
        this.s = s;
        this.prefix = prefix;
        this.serverAddress = serverAddress;
        this.file = s.create(prefix + ".bin", GENERIC_ALL, 3, 0);
        s.call(Smb2Command.CREATE, RawSession.createBody(prefix + "-dir", GENERIC_ALL, 3, 1));
        this.dir = s.create(prefix + "-dir", 0x1 | 0x80, 1, 1);
    }

    /** Sends every session template once, unmutated, and checks that each is accepted. */
    public void verify(SplittableRandom r) throws IOException {
        for (String n : NAMES) {
            if (n.equals("NEGOTIATE") || n.equals("SESSION_SETUP") || n.equals("CHANGE_NOTIFY")) {
                continue; // sent on connections of their own / goes async: checked by the mutation runs
            }
            Pdu p = build(n, r);
            for (int m : p.members()) {
                s.assignMessageId(p.bytes(), m, 1);
            }
            sign(p.bytes(), p.members(), p.bytes().length);
            s.sendFrame(p.bytes());
            RawSession.Message resp = s.await(ByteBuffer.wrap(p.bytes()).order(ByteOrder.LITTLE_ENDIAN).getLong(24));
            // every template succeeds, signed or not; LOCK may find its range still held by the worker's previous
            // connection while the server closes it
            boolean ok = resp.status() == NtStatus.SUCCESS
                    || (n.equals("LOCK") && resp.status() == NtStatus.LOCK_NOT_GRANTED);
            if (!ok) {
                throw new IOException("unmutated " + n + " template refused: " + resp);
            }
            if (!s.echo()) {
                throw new IOException("connection closed after the unmutated " + n + " template");
            }
        }
    }

    /** Signs each member (when the session signs) over its extent within the first {@code length} bytes. */
    public void sign(byte[] frame, int[] members, int length) {
        for (int i = 0; i < members.length; i++) {
            int at = members[i];
            int end = i + 1 < members.length ? Math.min(members[i + 1], length) : length;
            if (at + Smb2Header.SIZE <= end) {
                s.signIfSigned(frame, at, end - at);
            }
        }
    }

    /** A fresh template {@code name}; CLOSE first opens the scratch handle it closes. */
    public Pdu build(String name, SplittableRandom r) throws IOException {
        return switch (name) {
            case "NEGOTIATE" -> negotiate();
            case "SESSION_SETUP" -> new Pdu(name, new byte[0], new int[] {0}, sessionSetupFields(), Pdu.Kind.LOGON);
            case "TREE_CONNECT" -> single(name, Smb2Command.TREE_CONNECT, treeConnect());
            case "CREATE" -> single(name, Smb2Command.CREATE, create(prefix + "-c" + r.nextInt(8) + ".bin", r));
            case "WRITE" -> single(name, Smb2Command.WRITE, write(file, 512, r));
            case "READ" -> single(name, Smb2Command.READ, read(file));
            case "QUERY_INFO" -> single(name, Smb2Command.QUERY_INFO, queryInfo(file, r.nextBoolean() ? 18 : 5));
            case "QUERY_DIRECTORY" -> single(name, Smb2Command.QUERY_DIRECTORY, queryDirectory(dir));
            case "SET_INFO" -> single(name, Smb2Command.SET_INFO, r.nextBoolean() ? setEndOfFile(file) : setBasic(file));
            case "LOCK" -> single(name, Smb2Command.LOCK, lock(file));
            case "IOCTL" -> single(name, Smb2Command.IOCTL, ioctl(file));
            case "CLOSE" -> single(name, Smb2Command.CLOSE, close(scratch()));
            case "CHANGE_NOTIFY" -> single(name, Smb2Command.CHANGE_NOTIFY, changeNotify(dir));
            case "FLUSH" -> single(name, Smb2Command.FLUSH, new Body(24).u16(24).u16(0).u32(0).bytes(file));
            case "COMPOUND_RELATED" -> chain(name, true, List.of(
                    msg(Smb2Command.CREATE, create(prefix + "-rel.bin", r)),
                    msg(Smb2Command.WRITE, write(RELATED_FID, 64, r)),
                    msg(Smb2Command.CLOSE, close(RELATED_FID))));
            case "COMPOUND_UNRELATED" -> chain(name, false, List.of(
                    msg(Smb2Command.READ, read(file)),
                    msg(Smb2Command.QUERY_INFO, queryInfo(file, 5)),
                    msg(Smb2Command.ECHO, new Body(4).u16(4).u16(0))));
            default -> throw new IllegalArgumentException("template " + name);
        };
    }

    /** A new handle for CLOSE to close; an unknown FileId if the open is refused (earlier mutations). */
    private byte[] scratch() throws IOException {
        RawSession.Message m = s.call(Smb2Command.CREATE, RawSession.createBody(prefix + "-scratch.bin", GENERIC_ALL, 3,
                0));
        return m.status() == 0 ? java.util.Arrays.copyOfRange(m.bytes(), 128, 144) : new byte[16];
    }

    private record Msg(int command, Body body) {
    }

    private static Msg msg(int command, Body body) {
        return new Msg(command, body);
    }

    private Pdu single(String name, int command, Body body) {
        byte[] m = s.template(command, body.array());
        return new Pdu(name, m, new int[] {0}, withHeader(body.fieldsAt(0), 0), Pdu.Kind.SESSION);
    }

    /** Members padded to 8 bytes, NextCommand set, RELATED on all but the first when {@code related}. */
    private Pdu chain(String name, boolean related, List<Msg> msgs) {
        List<byte[]> parts = new ArrayList<>();
        List<Field> fields = new ArrayList<>();
        int[] members = new int[msgs.size()];
        int at = 0;
        for (int i = 0; i < msgs.size(); i++) {
            byte[] m = s.template(msgs.get(i).command(), msgs.get(i).body().array());
            int len = i + 1 < msgs.size() ? (m.length + 7) & ~7 : m.length;
            byte[] padded = java.util.Arrays.copyOf(m, len);
            ByteBuffer b = ByteBuffer.wrap(padded).order(ByteOrder.LITTLE_ENDIAN);
            if (i + 1 < msgs.size()) {
                b.putInt(20, len);
            }
            if (related && i > 0) {
                b.putInt(16, b.getInt(16) | Smb2Header.FLAGS_RELATED_OPERATIONS);
            }
            members[i] = at;
            fields.addAll(withHeader(msgs.get(i).body().fieldsAt(at), at));
            parts.add(padded);
            at += len;
        }
        return new Pdu(name, RawSession.concat(parts.toArray(byte[][]::new)), members, fields, Pdu.Kind.SESSION);
    }

    /** Adds the header fields that carry lengths and ids: CreditCharge, Command, Flags, NextCommand, TreeId. */
    private static List<Field> withHeader(List<Field> body, int at) {
        List<Field> out = new ArrayList<>(body);
        out.add(new Field(at + 6, 2));
        out.add(new Field(at + 12, 2));
        out.add(new Field(at + 16, 4));
        out.add(new Field(at + 20, 4));
        out.add(new Field(at + 36, 4));
        return out;
    }

    /** NEGOTIATE for 2.0.2..3.1.1 with preauth, encryption and signing contexts (2.2.3, 2.2.3.1). */
    private static Pdu negotiate() {
        Body b = new Body(256).u16(36).field(2).u16(5).u16(1).u16(0).u32(0x44).bytes(new byte[16]);
        int ctxOffsetAt = b.position();
        b.field(4).u32(0).field(2).u16(3).u16(0);
        for (int d : new int[] {0x202, 0x210, 0x300, 0x302, 0x311}) {
            b.u16(d);
        }
        b.align8();
        int ctxStart = b.position();
        b.u16(1).field(2).u16(38).u32(0).field(2).u16(1).field(2).u16(32).u16(1).bytes(new byte[32]).align8();
        b.u16(2).field(2).u16(6).u32(0).field(2).u16(2).u16(2).u16(1).align8();
        b.u16(8).field(2).u16(6).u32(0).field(2).u16(2).u16(1).u16(0);
        byte[] body = b.array();
        ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).putInt(ctxOffsetAt, 64 + ctxStart);
        byte[] m = new byte[64 + body.length];
        ByteBuffer h = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0, Smb2Header.PROTOCOL_ID).putShort(4, (short) 64).putShort(6, (short) 1).putShort(14, (short) 1);
        System.arraycopy(body, 0, m, 64, body.length);
        return new Pdu("NEGOTIATE", m, new int[] {0}, withHeader(b.fieldsAt(0), 0), Pdu.Kind.NEGOTIATE);
    }

    /** SecurityBufferOffset and Length of SESSION_SETUP (2.2.5), and the header's. */
    private static List<Field> sessionSetupFields() {
        return withHeader(List.of(new Field(64 + 12, 2), new Field(64 + 14, 2), new Field(64 + 2, 1),
                new Field(64 + 16, 8)), 0);
    }

    private Body treeConnect() {
        byte[] path = ("\\\\" + serverAddress + "\\share").getBytes(StandardCharsets.UTF_16LE);
        return new Body(8 + path.length).u16(9).u16(0).field(2).u16(64 + 8).field(2).u16(path.length).bytes(path);
    }

    /** CREATE with MxAc, QFid and DH2Q contexts (2.2.13.2). */
    private static Body create(String name, SplittableRandom r) {
        byte[] n = name.getBytes(StandardCharsets.UTF_16LE);
        int nameLen = (n.length + 7) & ~7;
        int ctxOff = 64 + 56 + nameLen;
        Body b = new Body(56 + nameLen + 24 + 24 + 56).u16(57).u8(0).u8(0).u32(2).u64(0).u64(0).u32(GENERIC_ALL)
                .u32(0x80).u32(7).u32(3).u32(0).field(2).u16(64 + 56).field(2).u16(n.length).field(4).u32(ctxOff)
                .field(4).u32(24 + 24 + 56);
        b.bytes(java.util.Arrays.copyOf(n, nameLen));
        context(b, "MxAc", new byte[0], 24);
        context(b, "QFid", new byte[0], 24);
        byte[] dh2q = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).putInt(0).putInt(0).putLong(0)
                .putLong(r.nextLong()).putLong(r.nextLong()).array(); // CreateGuid
        context(b, "DH2Q", dh2q, 0);
        return b;
    }

    private static void context(Body b, String tag, byte[] data, int next) {
        b.field(4).u32(next).field(2).u16(16).field(2).u16(4).u16(0).field(2).u16(data.length == 0 ? 0 : 24)
                .field(4).u32(data.length).bytes(tag.getBytes(StandardCharsets.US_ASCII)).u32(0).bytes(data);
    }

    private static Body write(byte[] fid, int len, SplittableRandom r) {
        byte[] data = new byte[len];
        r.nextBytes(data);
        return new Body(48 + len).u16(49).field(2).u16(64 + 48).field(4).u32(len).field(8).u64(0).bytes(fid).u32(0)
                .u32(0).field(2).u16(0).field(2).u16(0).u32(0).bytes(data);
    }

    private static Body read(byte[] fid) {
        return new Body(49).u16(49).u8(0).u8(0).field(4).u32(4096).field(8).u64(0).bytes(fid).field(4).u32(0).u32(0)
                .u32(0).field(2).u16(0).field(2).u16(0).u8(0);
    }

    private static Body queryInfo(byte[] fid, int infoClass) {
        return new Body(40).u16(41).u8(1).u8(infoClass).field(4).u32(4096).field(2).u16(0).u16(0).field(4).u32(0)
                .field(4).u32(0).u32(0).bytes(fid);
    }

    private static Body queryDirectory(byte[] dir) {
        byte[] pattern = "*".getBytes(StandardCharsets.UTF_16LE);
        return new Body(32 + pattern.length).u16(33).u8(37).u8(0x1).u32(0).bytes(dir).field(2).u16(64 + 32).field(2)
                .u16(pattern.length).field(4).u32(65536).bytes(pattern);
    }

    private static Body setEndOfFile(byte[] fid) {
        return new Body(40).u16(33).u8(1).u8(20).field(4).u32(8).field(2).u16(64 + 32).u16(0).u32(0).bytes(fid)
                .field(8).u64(4096);
    }

    private static Body setBasic(byte[] fid) {
        return new Body(72).u16(33).u8(1).u8(4).field(4).u32(40).field(2).u16(64 + 32).u16(0).u32(0).bytes(fid)
                .field(8).u64(0).u64(0).u64(0).u64(0).field(4).u32(0x80).u32(0);
    }

    private static Body lock(byte[] fid) {
        return new Body(72).u16(48).field(2).u16(2).u32(0).bytes(fid)
                .field(8).u64(0).field(8).u64(10).field(4).u32(0x12).u32(0)
                .field(8).u64(20).field(8).u64(10).field(4).u32(0x11).u32(0);
    }

    /** FSCTL_CREATE_OR_GET_OBJECT_ID on the file (no input, 64 bytes out). */
    private static Body ioctl(byte[] fid) {
        return new Body(56).u16(57).u16(0).field(4).u32(0x000900C0).bytes(fid).field(4).u32(64 + 56).field(4).u32(0)
                .field(4).u32(0).field(4).u32(64 + 56).field(4).u32(0).field(4).u32(64).field(4).u32(1).u32(0);
    }

    private static Body close(byte[] fid) {
        return new Body(24).u16(24).field(2).u16(1).u32(0).bytes(fid);
    }

    private static Body changeNotify(byte[] dir) {
        return new Body(32).u16(32).field(2).u16(0).field(4).u32(4096).bytes(dir).field(4).u32(0x17).u32(0);
    }
}
