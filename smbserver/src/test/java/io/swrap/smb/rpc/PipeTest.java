package io.swrap.smb.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swrap.smb.config.SmbConfParser;
import io.swrap.smb.rpc.ndr.NdrWriter;
import io.swrap.smb.rpc.srvsvc.Srvsvc;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DCE/RPC association of a pipe: contexts, fragmentation both ways, and every malformed PDU answered. */
class PipeTest {
    private static final SyntaxId FEATURES = SyntaxId.of("6cb71c2c-9812-4540-0300-000000000000", 1);

    @TempDir
    Path dir;
    private final List<String> logged = new java.util.ArrayList<>();

    private Pipe pipe(int shares) throws Exception {
        StringBuilder conf = new StringBuilder("[global]\nsmb passwd file = smbpasswd\nnetbios name = T\n");
        for (int i = 0; i < shares; i++) {
            conf.append("[share").append(i).append("]\npath = s\ncomment = a comment long enough to fill fragments\n");
        }
        RpcServer server = new RpcServer(SmbConfParser.parse("t.conf", conf.toString(), dir));
        return new Pipe("srvsvc", "srvsvc", new Srvsvc(server), 7, m -> logged.add(m.get()));
    }

    private static ByteBuffer pdu(int type, int flags, int callId, int bodyLength) {
        return Pdu.start(type, flags, callId, bodyLength);
    }

    /** A BIND with one context per entry of {@code transfer}, each offering the syntaxes listed there. */
    private static byte[] bind(int maxFrag, SyntaxId abs, List<List<SyntaxId>> transfer) {
        int body = 8 + 4;
        for (List<SyntaxId> t : transfer) {
            body += 4 + SyntaxId.SIZE * (1 + t.size());
        }
        ByteBuffer b = pdu(Pdu.BIND, 3, 1, body);
        b.putShort((short) maxFrag).putShort((short) maxFrag).putInt(0).put((byte) transfer.size()).put(new byte[3]);
        for (int i = 0; i < transfer.size(); i++) {
            b.putShort((short) i).put((byte) transfer.get(i).size()).put((byte) 0);
            b.put(abs.uuid()).putInt(abs.version());
            for (SyntaxId t : transfer.get(i)) {
                b.put(t.uuid()).putInt(t.version());
            }
        }
        return b.array();
    }

    private static byte[] request(int flags, int callId, long allocHint, int opnum, byte[] stub) {
        ByteBuffer b = pdu(Pdu.REQUEST, flags, callId, 8 + stub.length);
        b.putInt((int) allocHint).putShort((short) 0).putShort((short) opnum).put(stub);
        return b.array();
    }

    private static ByteBuffer answer(Pipe p) {
        Pipe.Chunk c = p.read(Pipe.MAX_FRAG);
        return ByteBuffer.wrap(c.data()).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int faultStatus(ByteBuffer b) {
        assertEquals(Pdu.FAULT, b.get(2));
        return b.getInt(24);
    }

    private static void bindNdr(Pipe p, int maxFrag) {
        p.write(bind(maxFrag, Srvsvc.SYNTAX, List.of(List.of(SyntaxId.NDR))));
        ByteBuffer ack = answer(p);
        assertEquals(Pdu.BIND_ACK, ack.get(2));
    }

    /** NetrShareGetInfo(NULL, name, level) as rpcclient marshals it. */
    private static byte[] shareGetInfo(String name, int level) {
        return new NdrWriter().pointer(false).string(name).u32(level).toByteArray();
    }

    @Test
    void contextsAreAcceptedRejectedOrNegotiated() throws Exception {
        Pipe p = pipe(1);
        p.write(bind(4280, Srvsvc.SYNTAX, List.of(List.of(SyntaxId.NDR64), List.of(SyntaxId.NDR), List.of(FEATURES))));
        ByteBuffer ack = answer(p);
        assertEquals(Pdu.BIND_ACK, ack.get(2));
        assertEquals(4280, ack.getShort(16));
        int results = 40; // header, frag sizes and group, then "\pipe\srvsvc\0" (2 + 13 bytes) padded to 4
        assertEquals(3, ack.get(results));
        int r0 = results + 4;
        assertEquals(Pdu.PROVIDER_REJECTION, ack.getShort(r0));
        assertEquals(Pdu.REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED, ack.getShort(r0 + 2));
        assertEquals(Pdu.ACCEPTANCE, ack.getShort(r0 + 24));
        assertEquals(Pdu.NEGOTIATE_ACK, ack.getShort(r0 + 48));
        assertEquals(0x0003, ack.getShort(r0 + 50), "features acknowledged");
        // the NDR64 context (0) is not bound: a call on it is refused, one on context 1 works
        p.write(request(3, 2, 0, 16, shareGetInfo("share0", 1)));
        assertEquals(RpcFault.UNKNOWN_IF, faultStatus(answer(p)));
    }

    @Test
    void alterContextAddsAContext() throws Exception {
        Pipe p = pipe(1);
        byte[] alter = bind(4280, Srvsvc.SYNTAX, List.of(List.of(SyntaxId.NDR)));
        alter[2] = Pdu.ALTER_CONTEXT;
        p.write(alter);
        assertEquals(Pdu.BIND_NAK, answer(p).get(2), "ALTER_CONTEXT before BIND");
        // BIND context 0, then ALTER_CONTEXT with contexts 0 and 1 (both NDR): context 1 becomes usable
        bindNdr(p, 4280);
        byte[] two = bind(4280, Srvsvc.SYNTAX, List.of(List.of(SyntaxId.NDR), List.of(SyntaxId.NDR)));
        two[2] = Pdu.ALTER_CONTEXT;
        p.write(two);
        ByteBuffer resp = answer(p);
        assertEquals(Pdu.ALTER_CONTEXT_RESP, resp.get(2));
        assertEquals(0, resp.getShort(24), "no secondary address in ALTER_CONTEXT_RESP");
        assertEquals(2, resp.get(28), "two results");
        assertEquals(Pdu.ACCEPTANCE, resp.getShort(32 + 24));
        ByteBuffer call = pdu(Pdu.REQUEST, 3, 5, 8 + shareGetInfo("share0", 1).length);
        call.putInt(0).putShort((short) 1).putShort((short) 16).put(shareGetInfo("share0", 1));
        p.write(call.array());
        ByteBuffer r = answer(p);
        assertEquals(Pdu.RESPONSE, r.get(2));
        assertEquals(1, r.getShort(20), "answered on context 1");
    }

    @Test
    void otherInterfaceIsRejectedAndSecondBindNaked() throws Exception {
        Pipe p = pipe(1);
        p.write(bind(4280, SyntaxId.of("12345778-1234-abcd-ef00-0123456789ab", 0), List.of(List.of(SyntaxId.NDR))));
        ByteBuffer ack = answer(p);
        assertEquals(Pdu.REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED, ack.getShort(40 + 4 + 2));
        p.write(bind(4280, Srvsvc.SYNTAX, List.of(List.of(SyntaxId.NDR))));
        assertEquals(Pdu.BIND_NAK, answer(p).get(2));
    }

    @Test
    void malformedPdusGetFaultsOrNaks() throws Exception {
        Pipe p = pipe(1);
        p.write(request(3, 1, 0, 16, shareGetInfo("share0", 1)));
        assertEquals(RpcFault.PROTO_ERROR, faultStatus(answer(p)), "REQUEST before BIND");
        byte[] v4 = bind(4280, Srvsvc.SYNTAX, List.of(List.of(SyntaxId.NDR)));
        v4[0] = 4;
        p.write(v4);
        ByteBuffer nak = answer(p);
        assertEquals(Pdu.BIND_NAK, nak.get(2));
        assertEquals(Pdu.NAK_PROTOCOL_VERSION_NOT_SUPPORTED, nak.getShort(16));
        byte[] tiny = bind(4280, Srvsvc.SYNTAX, List.of(List.of(SyntaxId.NDR)));
        tiny[8] = 8;
        tiny[9] = 0;
        p.write(tiny);
        assertEquals(Pdu.BIND_NAK, answer(p).get(2), "frag_length below the header");
        byte[] cut = bind(4280, Srvsvc.SYNTAX, List.of(List.of(SyntaxId.NDR)));
        cut[8] = 30; // the context list runs past frag_length
        p.write(Arrays.copyOf(cut, 30));
        assertEquals(Pdu.BIND_NAK, answer(p).get(2));
        bindNdr(p, 4280);
        p.write(request(3, 3, 0, 99, new byte[0]));
        assertEquals(RpcFault.OP_RNG_ERROR, faultStatus(answer(p)));
        // a string whose actual_count exceeds its max_count
        byte[] bad = new NdrWriter().pointer(false).u32(2).u32(0).u32(9).toByteArray();
        p.write(request(3, 4, 0, 16, bad));
        assertEquals(RpcFault.FAULT_NDR, faultStatus(answer(p)));
        p.write(request(3, 5, Pipe.MAX_REQUEST_STUB + 1L, 16, new byte[0]));
        assertEquals(RpcFault.PROTO_ERROR, faultStatus(answer(p)), "alloc_hint over the limit");
        assertNull(p.read(100), "every PDU got exactly one answer");
        assertEquals(7, logged.size(), logged.toString());
        assertTrue(logged.get(0).startsWith("pipe srvsvc: REQUEST call 1 refused: REQUEST before BIND"), logged.get(0));
    }

    @Test
    void answersWaitingAreBoundedAndTheRestIsAnsweredAsTheyAreRead() throws Exception {
        Pipe p = pipe(1);
        // 50,000 REQUESTs before any BIND in one write: 50,000 FAULTs of 32 bytes would be 1.6 MB
        int n = 50_000;
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            w.write(request(3, i, 0, 0, new byte[0]));
        }
        p.write(w.toByteArray());
        assertFalse(p.acceptsWrite(), "the next WRITE is refused while 1 MiB of answers waits");
        int faults = 0;
        Pipe.Chunk c;
        while ((c = p.read(Pipe.MAX_FRAG)) != null) {
            ByteBuffer f = ByteBuffer.wrap(c.data()).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(faults, f.getInt(12), "answers in call order");
            faults++;
        }
        assertEquals(n, faults);
        assertTrue(p.acceptsWrite());
    }

    @Test
    void fragmentedRequestIsReassembledAndLongAnswerFragmented() throws Exception {
        Pipe p = pipe(80);
        bindNdr(p, 2048);
        byte[] stub = shareGetInfo("share42", 1);
        int half = stub.length / 2;
        p.write(request(Pdu.PFC_FIRST_FRAG, 9, stub.length, 16, Arrays.copyOf(stub, half)));
        assertNull(p.read(100));
        p.write(request(Pdu.PFC_LAST_FRAG, 9, stub.length - half, 16, Arrays.copyOfRange(stub, half, stub.length)));
        ByteBuffer r = answer(p);
        assertEquals(Pdu.RESPONSE, r.get(2));
        assertEquals(Pdu.PFC_FIRST_FRAG | Pdu.PFC_LAST_FRAG, r.get(3));
        assertEquals(0, r.getInt(r.limit() - 4), "WERR_OK");
        // NetrShareEnum level 1 of 81 shares: several fragments of at most 2048 bytes
        byte[] enumStub = new NdrWriter().pointer(false).u32(1).u32(1).pointer(true).u32(0).pointer(false)
                .u32(0xFFFFFFFFL).pointer(false).toByteArray();
        p.write(request(3, 10, enumStub.length, 15, enumStub));
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        int frags = 0;
        int flags;
        do {
            ByteBuffer f = answer(p);
            assertTrue(f.limit() <= 2048, "fragment of " + f.limit() + " bytes");
            flags = f.get(3);
            assertEquals(frags == 0, (flags & Pdu.PFC_FIRST_FRAG) != 0);
            joined.write(f.array(), 24, f.limit() - 24);
            frags++;
        } while ((flags & Pdu.PFC_LAST_FRAG) == 0);
        assertTrue(frags > 3, frags + " fragments");
        ByteBuffer s = ByteBuffer.wrap(joined.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(81, s.getInt(12), "EntriesRead");
        assertEquals(0, s.getInt(s.limit() - 4), "WERR_OK");
        assertEquals(81, s.getInt(s.limit() - 12), "TotalEntries");
    }

    @Test
    void readsReturnOnePduAtATimeInMessageMode() throws Exception {
        Pipe p = pipe(1);
        p.write(bind(4280, Srvsvc.SYNTAX, List.of(List.of(SyntaxId.NDR))));
        Pipe.Chunk first = p.read(10);
        assertTrue(first.more());
        Pipe.Chunk rest = p.read(Pipe.MAX_FRAG);
        assertFalse(rest.more());
        byte[] whole = new byte[first.data().length + rest.data().length];
        System.arraycopy(first.data(), 0, whole, 0, 10);
        System.arraycopy(rest.data(), 0, whole, 10, rest.data().length);
        assertEquals(Pdu.BIND_ACK, whole[2]);
        assertEquals(whole.length, ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN).getShort(8));
        assertNull(p.read(100));
        // two requests in one write: two answers, one per read
        byte[] a = request(3, 2, 0, 16, shareGetInfo("share0", 0));
        byte[] b = request(3, 3, 0, 16, shareGetInfo("share0", 501));
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        p.write(both);
        assertEquals(2, answer(p).getInt(12));
        ByteBuffer second = answer(p);
        assertEquals(3, second.getInt(12));
        assertArrayEquals(new byte[4], Arrays.copyOfRange(second.array(), second.limit() - 4, second.limit()));
    }
}
