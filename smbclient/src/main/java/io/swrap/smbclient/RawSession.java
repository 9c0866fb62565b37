package io.swrap.smbclient;

import io.netty.buffer.Unpooled;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import io.swrap.smb.smb2.codec.Smb2Header;
import io.swrap.smb.smb2.crypto.Smb2Kdf;
import io.swrap.smb.smb2.crypto.Smb2Signer;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A blocking, byte-level SMB2 client for tests that send what a well-behaved client never would: one TCP
 * connection on which it negotiates a single dialect (up to 3.0.2: no preauth hash) and sets up a real
 * NTLMv2 session, then sends messages built or mutated by the caller, with MessageIds from the window the
 * server granted. Signing (2.x: HMAC-SHA256 with the session key, 3.0.x: AES-CMAC with the derived key) is
 * optional; without it the server's handlers see every request. Reads are bounded by a timeout; a closed connection is an {@link EOFException}.
 */
public final class RawSession implements Closeable {
    /** Credits asked for in every request: enough for a burst of requests between reads. */
    private static final int CREDIT_REQUEST = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private long nextMessageId;
    private long sessionId;
    private int treeId;
    private Smb2Signer signer;
    private boolean sign;
    /** Sees every response {@link #await} skips (answers to other requests), e.g. to count statuses. */
    private java.util.function.Consumer<Message> onOther = m -> { };

    private RawSession(Socket socket, int timeoutMillis) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(timeoutMillis);
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** One response, as received: the whole message (header and body). */
    public record Message(byte[] bytes) {
        public int status() {
            return le().getInt(8);
        }

        public int command() {
            return le().getShort(12) & 0xFFFF;
        }

        public long messageId() {
            return le().getLong(24);
        }

        public int flags() {
            return le().getInt(16);
        }

        public boolean interim() {
            return status() == NtStatus.PENDING && (flags() & Smb2Header.FLAGS_ASYNC_COMMAND) != 0;
        }

        public ByteBuffer le() {
            return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public String toString() {
            return Smb2Command.name(command()) + "#" + messageId() + " status 0x" + Integer.toHexString(status());
        }
    }

    /** Connects only: nothing is sent yet (for NEGOTIATE mutations). */
    public static RawSession connect(InetSocketAddress server, int timeoutMillis) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(server, timeoutMillis);
            return new RawSession(s, timeoutMillis);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Connects, negotiates {@code dialect}, logs on and connects to {@code share}. */
    public static RawSession open(InetSocketAddress server, String user, String password, String share, int dialect,
            boolean sign, int timeoutMillis) throws IOException {
        RawSession r = connect(server, timeoutMillis);
        try {
            r.ok(r.call(Smb2Command.NEGOTIATE, negotiateBody(dialect)), "NEGOTIATE");
            r.logon(user, password, sign, dialect);
            byte[] path = ("\\\\" + server.getAddress().getHostAddress() + "\\" + share).getBytes(StandardCharsets.UTF_16LE);
            ByteBuffer b = body(8 + path.length).putShort((short) 9).putShort((short) 0)
                    .putShort((short) (64 + 8)).putShort((short) path.length).put(path);
            Message m = r.ok(r.call(Smb2Command.TREE_CONNECT, b.array()), "TREE_CONNECT " + share);
            r.treeId = m.le().getInt(36);
            return r;
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /** NEGOTIATE body (2.2.3) offering only {@code dialect}, without negotiate contexts. */
    public static byte[] negotiateBody(int dialect) {
        byte[] guid = new byte[16];
        RANDOM.nextBytes(guid);
        return body(38).putShort((short) 36).putShort((short) 1).putShort((short) 1).putShort((short) 0)
                .putInt(0).put(guid).putLong(0).putShort((short) dialect).array();
    }

    /**
     * On a negotiated connection: runs SESSION_SETUP round 1 and returns round 2 (the SPNEGO-wrapped NTLMv2
     * AUTHENTICATE_MESSAGE for this connection's challenge) as a whole message, unsent, for a caller to mutate.
     */
    public byte[] secondLegMessage(String user, String password) throws IOException {
        SpnegoClient spnego = new SpnegoClient(new NtlmClient(user, password, "WORKGROUP"));
        Message m = call(Smb2Command.SESSION_SETUP, sessionSetupBody(spnego.initialToken(), false));
        if (m.status() != NtStatus.MORE_PROCESSING_REQUIRED) {
            throw new IOException("SESSION_SETUP round 1: " + m);
        }
        sessionId = m.le().getLong(40);
        return message(Smb2Command.SESSION_SETUP, sessionSetupBody(spnego.responseToken(securityBuffer(m)), false));
    }

    /** The SPNEGO NegTokenInit with an NTLM NEGOTIATE_MESSAGE that opens a logon. */
    public static byte[] initialToken(String user, String password) throws IOException {
        return new SpnegoClient(new NtlmClient(user, password, "WORKGROUP")).initialToken();
    }

    /** Sets the MessageId at {@code at} to the next ones, consuming {@code charge} of them. */
    public void assignMessageId(byte[] frame, int at, int charge) {
        ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(at + 6, (short) charge);
        b.putLong(at + 24, nextMessageId);
        nextMessageId += Math.max(charge, 1);
    }

    /** SPNEGO/NTLMv2 over two SESSION_SETUP rounds (as {@link Session#setup}, without key checks). */
    private void logon(String user, String password, boolean signed, int dialect) throws IOException {
        if (signed && dialect > Smb2Dialect.SMB3_02) {
            throw new IllegalArgumentException("signing with " + Smb2Dialect.name(dialect) + ": this client signs 2.x"
                    + " and 3.0/3.0.2 only (3.1.1 needs the preauth hash)");
        }
        SpnegoClient spnego = new SpnegoClient(new NtlmClient(user, password, "WORKGROUP"));
        Message m = call(Smb2Command.SESSION_SETUP, sessionSetupBody(spnego.initialToken(), signed));
        if (m.status() != NtStatus.MORE_PROCESSING_REQUIRED) {
            throw new IOException("SESSION_SETUP round 1: " + m);
        }
        sessionId = m.le().getLong(40);
        m = ok(call(Smb2Command.SESSION_SETUP, sessionSetupBody(spnego.responseToken(securityBuffer(m)), signed)),
                "SESSION_SETUP round 2");
        if (signed) {
            // 3.2.5.3.1: 2.x signs with the session key (HMAC-SHA256), 3.0/3.0.2 with a derived key (AES-CMAC)
            byte[] key = Arrays.copyOf(spnego.sessionKey(), 16);
            signer = dialect < Smb2Dialect.SMB3_00 ? Smb2Signer.create(Smb2Signer.HMAC_SHA256, key)
                    : Smb2Signer.create(Smb2Signer.AES_CMAC, Smb2Kdf.derive(key, Smb2Kdf.LABEL_30_SIGN,
                            Smb2Kdf.CONTEXT_30_SIGN, 128));
            sign = true;
        }
    }

    /** SESSION_SETUP body (2.2.5) carrying {@code token}. */
    public static byte[] sessionSetupBody(byte[] token, boolean signed) {
        return body(24 + token.length).putShort((short) 25).put((byte) 0).put((byte) (signed ? 2 : 1)).putInt(0)
                .putInt(0).putShort((short) (64 + 24)).putShort((short) token.length).putLong(0).put(token).array();
    }

    private static byte[] securityBuffer(Message m) {
        ByteBuffer b = m.le();
        int off = b.getShort(64 + 4) & 0xFFFF;
        int len = b.getShort(64 + 6) & 0xFFFF;
        return Arrays.copyOfRange(m.bytes(), off, off + len);
    }

    public static ByteBuffer body(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    public long sessionId() {
        return sessionId;
    }

    public void onOther(java.util.function.Consumer<Message> c) {
        onOther = c;
    }

    /** Skips {@code n} MessageIds (used by a request whose header was mutated after numbering). */
    public void skipMessageIds(int n) {
        nextMessageId += n;
    }

    /** Sets how long a read may wait. */
    public void timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    public int treeId() {
        return treeId;
    }

    public boolean signed() {
        return sign;
    }

    /** The next MessageId this client will use. */
    public long nextMessageId() {
        return nextMessageId;
    }

    /** A whole message: header (with the next MessageId, this session and tree) and {@code body}. */
    public byte[] message(int command, byte[] body) {
        byte[] m = template(command, body);
        ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putLong(24, nextMessageId++);
        return m;
    }

    /** A message of this session and tree with MessageId 0: {@link #assignMessageId} numbers it when it is sent. */
    public byte[] template(int command, byte[] body) {
        byte[] m = new byte[Smb2Header.SIZE + body.length];
        var buf = Unpooled.wrappedBuffer(m).writerIndex(0);
        new Smb2Header(1, 0, command, CREDIT_REQUEST, 0, 0, 0, 0, treeId, sessionId).encode(buf);
        System.arraycopy(body, 0, m, Smb2Header.SIZE, body.length);
        return m;
    }

    /** Signs the message at {@code at} of {@code frame} (when this session signs), over {@code length} bytes. */
    public void signIfSigned(byte[] frame, int at, int length) {
        if (!sign) {
            return;
        }
        ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putInt(at + 16,
                ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).getInt(at + 16) | Smb2Header.FLAGS_SIGNED);
        Arrays.fill(frame, at + Smb2Header.SIGNATURE_OFFSET, at + Smb2Header.SIGNATURE_OFFSET + 16, (byte) 0);
        byte[] sig = signer.sign(Unpooled.wrappedBuffer(frame, at, length));
        System.arraycopy(sig, 0, frame, at + Smb2Header.SIGNATURE_OFFSET, 16);
    }

    /** Sends {@code frame} as one direct-TCP frame (2.1: a 4-byte big-endian length). */
    public void sendFrame(byte[] frame) throws IOException {
        byte[] len = ByteBuffer.allocate(4).putInt(frame.length).array();
        out.write(len);
        out.write(frame);
        out.flush();
    }

    /** Reads one frame's messages (split at NextCommand); EOF when the server closed the connection. */
    public Message read() throws IOException {
        int len = in.readInt();
        if (len < 0 || len > 0xFFFFFF) {
            throw new IOException("frame length " + len + " from the server");
        }
        byte[] f = new byte[len];
        in.readFully(f);
        return new Message(f);
    }

    /** Sends {@code command} with {@code body} (signed if this session signs) and waits for its final response. */
    public Message call(int command, byte[] body) throws IOException {
        byte[] m = message(command, body);
        long id = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).getLong(24);
        signIfSigned(m, 0, m.length);
        sendFrame(m);
        return await(id);
    }

    /**
     * Reads until the final response to {@code messageId}; responses to other requests (mutated ones, interim
     * answers) are skipped. A compound response is matched by its first message.
     */
    public Message await(long messageId) throws IOException {
        while (true) {
            Message r = read();
            if (r.messageId() == messageId && !r.interim()) {
                return r;
            }
            onOther.accept(r);
        }
    }

    /**
     * Sends an ECHO and reads up to its response: proves that the server still answers this connection and
     * skips whatever it sent before. False if the connection was closed by the server.
     */
    public boolean echo() throws IOException {
        try {
            Message r = call(Smb2Command.ECHO, body(4).putShort((short) 4).array());
            return r.status() == NtStatus.SUCCESS;
        } catch (EOFException e) {
            return false;
        }
    }

    /** True when the server closed the connection (EOF) within the socket's timeout, false if it answered. */
    public boolean closedByServer() throws IOException {
        try {
            while (true) {
                read();
            }
        } catch (EOFException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("reset")) {
                return true;
            }
            throw e;
        }
    }

    public Message ok(Message m, String what) throws IOException {
        if (m.status() != NtStatus.SUCCESS) {
            throw new IOException(what + ": " + m);
        }
        return m;
    }

    /** CREATE body (2.2.13) for {@code name} with no contexts. */
    public static byte[] createBody(String name, int access, int disposition, int options) {
        byte[] n = name.getBytes(StandardCharsets.UTF_16LE);
        ByteBuffer b = body(56 + Math.max(n.length, 1)).putShort((short) 57).put((byte) 0).put((byte) 0)
                .putInt(2).putLong(0).putLong(0).putInt(access).putInt(0x80).putInt(7).putInt(disposition)
                .putInt(options).putShort((short) (64 + 56)).putShort((short) n.length).putInt(0).putInt(0);
        b.put(n);
        return b.array();
    }

    /** Opens {@code name}; returns its FileId (persistent, volatile) as 16 bytes. */
    public byte[] create(String name, int access, int disposition, int options) throws IOException {
        Message m = ok(call(Smb2Command.CREATE, createBody(name, access, disposition, options)), "CREATE " + name);
        return Arrays.copyOfRange(m.bytes(), 64 + 64, 64 + 80);
    }

    public void closeFile(byte[] fileId) throws IOException {
        ok(call(Smb2Command.CLOSE, body(24).putShort((short) 24).putShort((short) 0).putInt(0).put(fileId).array()),
                "CLOSE");
    }

    /** All bytes of {@code parts}, in order. */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    /** 3.1.1 is not offered here: its preauth hash would have to follow every byte. */
    public static int defaultDialect() {
        return Smb2Dialect.SMB2_10;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
