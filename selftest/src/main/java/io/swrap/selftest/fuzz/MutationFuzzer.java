package io.swrap.selftest.fuzz;

import io.swrap.selftest.peers.Addr;
import io.swrap.smbclient.RawSession;
import io.swrap.smb.smb2.codec.NtStatus;
import io.swrap.smb.smb2.codec.Smb2Command;
import io.swrap.smb.smb2.codec.Smb2Dialect;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Bounded mutation fuzzer of the SMB server:
 * {@code MutationFuzzer HOST:PORT SHARE USER PASSWORD SEED CASES WORKERS BUDGET_SECONDS}. Case i is decided
 * by {@code SplittableRandom(SEED, i)} alone: which valid request ({@link PduTemplates}) and which mutation
 * ({@link Mutator}). WORKERS connections each hold a real session (workers 0 and 1 sign, with 2.1 and 3.0.2;
 * the others do not, so that the handlers see most mutations) and take every WORKERS-th case; NEGOTIATE and SESSION_SETUP cases
 * run on new connections. After each case an ECHO must be answered, or the connection must have been closed
 * by the server (then the worker logs on again). The server not answering, or refusing a new connection,
 * stops the run with {@code FUZZ BROKEN seed=... case=... template=... mutation=... bytes=HEX cause=...};
 * otherwise it prints {@code FUZZ DONE seed=... cases=N ...} and per template what the server answered.
 */
public final class MutationFuzzer {
    private static final int TIMEOUT_MS = 20_000;
    private static final int FRESH_TIMEOUT_MS = 2_000;

    private final InetSocketAddress server;
    private final String share;
    private final String user;
    private final String password;
    private final long seed;
    private final int cases;
    private final int workers;
    private final long deadline;
    private final AtomicReference<String> broken = new AtomicReference<>();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong closedByServer = new AtomicLong();
    private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();

    private MutationFuzzer(String[] a) {
        server = Addr.parse(a[0]);
        share = a[1];
        user = a[2];
        password = a[3];
        seed = Long.parseLong(a[4]);
        cases = Integer.parseInt(a[5]);
        workers = Integer.parseInt(a[6]);
        deadline = System.nanoTime() + Long.parseLong(a[7]) * 1_000_000_000L;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 8) {
            System.err.println("usage: MutationFuzzer HOST:PORT SHARE USER PASSWORD SEED CASES WORKERS BUDGET_SECONDS");
            System.exit(2);
        }
        new MutationFuzzer(args).run();
    }

    private void run() throws Exception {
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<Future<?>> fs = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int id = w;
            fs.add(pool.submit(() -> {
                worker(id);
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Map<String, Long> summary = new TreeMap<>();
        outcomes.forEach((k, v) -> summary.put(k, v.get()));
        System.out.println("FUZZ SUMMARY " + summary);
        if (broken.get() != null) {
            System.out.println("FUZZ BROKEN seed=" + seed + " " + broken.get());
        } else {
            System.out.println("FUZZ DONE seed=" + seed + " cases=" + done.get() + " closedByServer=" + closedByServer.get()
                    + " ms=" + ms);
        }
        System.out.flush();
    }

    /** A worker's session: its connection and the templates built on it. */
    private final class Conn implements AutoCloseable {
        final RawSession s;
        final PduTemplates t;
        String lastTemplate = "";

        Conn(int worker, int n) throws IOException {
            // worker 0 signs with 2.1 (HMAC-SHA256), worker 1 with 3.0.2 (AES-CMAC); the others do not sign,
            // odd ones on 3.0.2, even ones on 2.1
            s = RawSession.open(server, user, password, share, worker % 2 == 1 ? Smb2Dialect.SMB3_02
                    : Smb2Dialect.SMB2_10, worker < 2, TIMEOUT_MS);
            t = new PduTemplates(s, "fuzz-w" + worker + "-" + n, server.getAddress().getHostAddress());
            s.onOther(m -> count(lastTemplate, m.status()));
        }

        @Override
        public void close() throws IOException {
            s.close();
        }
    }

    private void worker(int w) {
        int n = 0;
        Conn c = null;
        try {
            c = new Conn(w, n++);
            c.t.verify(new SplittableRandom(seed));
            for (int i = w; i < cases && broken.get() == null && System.nanoTime() < deadline; i += workers) {
                SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
                String name = PduTemplates.NAMES.get(r.nextInt(PduTemplates.NAMES.size()));
                String what = "case=" + i + " template=" + name;
                Mutator.Mutation mu = null;
                try {
                    if (name.equals("NEGOTIATE") || name.equals("SESSION_SETUP")) {
                        mu = fresh(c.t, name, r);
                    } else {
                        c.lastTemplate = name;
                        boolean alive;
                        try {
                            mu = inSession(c, name, r);
                            alive = barrier(c, what + " mutation=" + mu.description() + " bytes="
                                    + Mutator.hex(mu.bytes(), 512));
                        } catch (IOException e) {
                            if (!lost(e)) {
                                throw e;
                            }
                            closedByServer.incrementAndGet();
                            alive = false;
                        }
                        if (!alive) {
                            c.close();
                            c = new Conn(w, n++);
                        }
                    }
                    done.incrementAndGet();
                } catch (IOException e) {
                    broken.compareAndSet(null, what + (mu == null ? "" : " mutation=" + mu.description() + " bytes="
                            + Mutator.hex(mu.bytes(), 512)) + " cause=" + e);
                }
            }
        } catch (IOException | RuntimeException e) {
            broken.compareAndSet(null, "worker " + w + " (connection " + n + ") cause=" + e);
        } finally {
            if (c != null) {
                try {
                    c.close();
                } catch (IOException e) {
                    broken.compareAndSet(null, "closing worker " + w + ": " + e);
                }
            }
        }
    }

    /** Numbers, mutates and sends a session template; returns the mutation. */
    private Mutator.Mutation inSession(Conn c, String name, SplittableRandom r) throws IOException {
        Pdu p = c.t.build(name, r);
        RawSession s = c.s;
        long base = s.nextMessageId();
        ByteBuffer pb = ByteBuffer.wrap(p.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < p.members().length; i++) {
            pb.putLong(p.members()[i] + 24, base + i); // provisional: a header mutation may replace it
        }
        Mutator.Mutation mu = Mutator.mutate(p, r);
        byte[] b = mu.bytes();
        if (mu.header()) {
            s.skipMessageIds(p.members().length);
        } else {
            for (int m : p.members()) {
                if (m + 64 <= b.length) {
                    s.assignMessageId(b, m, charge(b, m));
                }
            }
        }
        c.t.sign(b, p.members(), b.length);
        if (s.signed() && r.nextInt(30) == 0 && b.length > 64) {
            b[64 + r.nextInt(b.length - 64)] ^= 1; // now and then a message whose signature no longer matches
        }
        s.sendFrame(b);
        return new Mutator.Mutation(b, mu.description(), mu.header());
    }

    /**
     * [MS-SMB2] 3.3.5.2.5 CreditCharge for the (mutated) length fields, as the server computes it, capped at 128
     * (8 MiB): a request still needs to pass the credit check to reach its handler.
     */
    private static int charge(byte[] b, int at) {
        ByteBuffer m = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int body = at + 64;
        int len = b.length - body;
        int cmd = m.getShort(at + 12) & 0xFFFF;
        long payload = switch (cmd) {
            case Smb2Command.READ, Smb2Command.WRITE, Smb2Command.CHANGE_NOTIFY, Smb2Command.SET_INFO ->
                    len >= 8 ? m.getInt(body + 4) & 0xFFFFFFFFL : 0;
            case Smb2Command.IOCTL -> len >= 48 ? Math.max(m.getInt(body + 28) & 0xFFFFFFFFL,
                    m.getInt(body + 44) & 0xFFFFFFFFL) : 0;
            case Smb2Command.QUERY_DIRECTORY -> len >= 32 ? m.getInt(body + 28) & 0xFFFFFFFFL : 0;
            case Smb2Command.QUERY_INFO -> len >= 16 ? Math.max(m.getInt(body + 4) & 0xFFFFFFFFL,
                    m.getInt(body + 12) & 0xFFFFFFFFL) : 0;
            default -> 0;
        };
        return (int) Math.min(128, payload == 0 ? 1 : (payload - 1) / 65536 + 1);
    }

    /** ECHO after the case: true if answered, false if the server closed the connection or lost the session. */
    private boolean barrier(Conn c, String what) throws IOException {
        try {
            if (c.s.echo()) {
                return true;
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("no answer to an ECHO within " + TIMEOUT_MS + " ms after " + what, e);
        } catch (IOException e) {
            if (!lost(e)) {
                throw e;
            }
        }
        closedByServer.incrementAndGet();
        count(c.lastTemplate, -1);
        return false;
    }

    /** The server closed the connection (not: it stopped answering). */
    private static boolean lost(IOException e) {
        String m = String.valueOf(e.getMessage());
        return e instanceof EOFException || m.contains("reset") || m.contains("Broken pipe");
    }

    /** NEGOTIATE on a new connection, or SESSION_SETUP (either round) after a valid NEGOTIATE on one. */
    private Mutator.Mutation fresh(PduTemplates t, String name, SplittableRandom r) throws IOException {
        try (RawSession s = RawSession.connect(server, TIMEOUT_MS)) {
            Pdu p = t.build(name, r);
            if (name.equals("SESSION_SETUP")) {
                s.ok(s.call(Smb2Command.NEGOTIATE, RawSession.negotiateBody(Smb2Dialect.SMB2_10)), "NEGOTIATE");
                byte[] m = r.nextBoolean() ? s.secondLegMessage(user, password)
                        : s.message(Smb2Command.SESSION_SETUP, RawSession.sessionSetupBody(
                                RawSession.initialToken(user, password), false));
                p = new Pdu(name, m, p.members(), p.fields(), p.kind());
            }
            Mutator.Mutation mu = Mutator.mutate(p, r);
            s.sendFrame(mu.bytes());
            s.timeout(FRESH_TIMEOUT_MS);
            try {
                RawSession.Message resp = s.read();
                count(name, resp.status());
            } catch (EOFException | SocketTimeoutException e) {
                count(name, -1); // closed, or nothing to answer (e.g. mutated into CANCEL)
            } catch (IOException e) {
                if (!lost(e)) {
                    throw e;
                }
                count(name, -1);
            }
            return mu;
        }
    }

    private void count(String template, int status) {
        String k = template + ":" + (status == -1 ? "closed" : status == NtStatus.INVALID_PARAMETER ? "INVALID_PARAMETER"
                : status == NtStatus.SUCCESS ? "SUCCESS" : "0x" + Integer.toHexString(status));
        outcomes.computeIfAbsent(k, x -> new AtomicLong()).incrementAndGet();
    }
}
