package io.swrap.smb.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server's whole configuration, immutable, built only by {@link SmbConfParser}.
 *
 * <p>Settings (Samba names), their defaults and accepted values:
 * <ul>
 *   <li>{@code interfaces}: list of addresses, each optionally {@code ;speed=N,capability=RSS|RDMA}; default 127.0.0.1</li>
 *   <li>{@code smb ports}: list of ports 1..65535; default 445</li>
 *   <li>{@code server signing}: auto | mandatory | disabled (also default, if_required, required...); default auto</li>
 *   <li>{@code smb encrypt}: off | desired | required (also auto, default, mandatory...); default off</li>
 *   <li>{@code server min protocol} / {@code server max protocol}: SMB2_02, SMB2_10, SMB3_00, SMB3_02, SMB3_11
 *       (SMB2 = SMB2_10, SMB3 = SMB3_11); defaults SMB2_02 / SMB3_11</li>
 *   <li>{@code smb passwd file}: smbpasswd(5) file; required</li>
 *   <li>{@code netbios name}: default SWRAP; {@code workgroup}: default WORKGROUP; {@code server string}: the
 *       server comment of srvsvc and share listings, default "swrap smbserver"</li>
 *   <li>{@code server multi channel support}: yes | no; default yes (Samba's default since 4.15, also in 4.17)</li>
 *   <li>{@code smb2 leases}, {@code smb2 disable oplock break retry}, {@code smbd:FSCTL_SMBTORTURE},
 *       {@code smbserver:break ack timeout}: see {@link Oplocking}</li>
 *   <li>{@code smbserver:max connections}, {@code smbserver:max sessions per connection}, {@code smbserver:max
 *       pending sessions}, {@code smbserver:max pre-auth frame}, {@code smbserver:max frame}, {@code smbserver:max
 *       buffered bytes}, {@code smbserver:pre-auth timeout}, {@code deadtime}, {@code smbserver:max unsent
 *       bytes}: see {@link ConnectionLimits}</li>
 *   <li>{@code max open files}, {@code smbserver:copychunk max chunks}, {@code smbserver:copychunk max chunk
 *       size}, {@code smbserver:copychunk max data size}: see {@link RequestLimits}</li>
 *   <li>{@code smbserver:client address affinity}: yes | no; default yes: the clients (ClientGuids) of one
 *       address share one event loop, so that requests a host sends on several connections are handled in the
 *       order they arrive; no: each ClientGuid's loop is the one its first connection was given</li>
 *   <li>{@code smbserver:io threads}, {@code smbserver:max queued io requests}, {@code smbserver:io requests per
 *   connection}: see {@link IoSettings}</li>
 *   <li>{@code log level}, {@code log file}, {@code max log size}: see {@link LogSettings}; the common Samba
 *       settings this server does not use are accepted and logged once as ignored ({@link SambaKeys})</li>
 *   <li>{@code prefork children}, {@code smbserver:prefork unshared file state},
 *       {@code smbserver:prefork placement}, {@code smbserver:ipc max message size}, {@code smbserver:ipc max queued
 *       messages}, {@code smbserver:ipc send timeout}, {@code smbserver:prefork max sessions},
 *       {@code smbserver:prefork session close timeout}: see {@link Prefork}</li>
 *   <li>per share: {@code path} (required), {@code read only} (default yes), {@code smb encrypt}, {@code comment},
 *       {@code browseable} (default yes)</li>
 * </ul>
 */
public record SmbConfig(
        List<InterfaceSpec> interfaces,
        List<Integer> ports,
        SigningSetting signing,
        EncryptSetting encrypt,
        int minDialect,
        int maxDialect,
        Path passwdFile,
        String netbiosName,
        String workgroup,
        boolean multiChannel,
        Oplocking oplocking,
        Map<String, ShareConfig> shares,
        // connection limits (max connections, sessions, frames, buffers, timeouts, back-pressure)
        ConnectionLimits limits,
        // request limits (open handles per session)
        RequestLimits requestLimits,
        // server string
        String serverString,
        // log level, log file, max log size; the Samba settings accepted and ignored
        LogSettings log,
        // smbserver:client address affinity: every client of one address on one event loop
        boolean addressAffinity,
        // the I/O thread pool
        IoSettings io,
        // prefork children, smbserver:prefork unshared file state
        Prefork prefork) {

    /**
     * Multi-process mode: {@code prefork children} (Samba's name; 0..64, default 0 = one process; N = a master
     * that accepts and passes each connection to one of N worker processes by ClientGuid) and {@code
     * smbserver:prefork unshared file state} (default no: the workers share one file-state store in shared
     * memory; yes, an opt-out for comparisons: each worker keeps its own, and clients in two workers do not see
     * each other's opens, locks and leases), {@code smbserver:prefork placement} (where a new ClientGuid
     * goes: {@code least-loaded}, the default, or {@code peer-address}: to the worker of another ClientGuid of
     * the same peer address if there is one, so that one host's clients see each other's opens), the limits
     * of the messages between workers ({@link MessagingLimits}), {@code smbserver:prefork max sessions}
     * (1..{@value #MAX_MAX_SESSIONS}, default {@value #DEFAULT_MAX_SESSIONS}: established sessions that the
     * workers' shared session table holds; a session beyond works in its own worker, but binds and
     * PreviousSessionIds from other workers do not find it) and {@code smbserver:prefork session close timeout}
     * (milliseconds, 10..60000, default {@value #DEFAULT_SESSION_CLOSE_TIMEOUT_MILLIS}: how long a logon naming
     * another worker's session as its PreviousSessionId waits for that worker to end it before it is answered
     * anyway) and {@code smbserver:prefork durable claim timeout} (milliseconds, 10..60000, default
     * {@value #DEFAULT_DURABLE_CLAIM_TIMEOUT_MILLIS}: how long a durable reconnect that finds no disconnected open
     * in its own worker waits for the other workers' answers before it fails with OBJECT_NAME_NOT_FOUND, and how
     * long a CREATE with an AppInstanceId waits for them to close that instance's opens before it goes on).
     */
    public record Prefork(int children, boolean unsharedFileState, boolean byPeerAddress, MessagingLimits messaging,
                          int maxSessions, java.time.Duration sessionCloseTimeout,
                          java.time.Duration durableClaimTimeout) {
        public static final int MAX_CHILDREN = 64;
        public static final int DEFAULT_MAX_SESSIONS = 16_384;
        /** swrap-shm's largest table ({@code Layout.MAX_CAPACITY}). */
        public static final int MAX_MAX_SESSIONS = 262_140;
        public static final int DEFAULT_SESSION_CLOSE_TIMEOUT_MILLIS = 5000;
        public static final int DEFAULT_DURABLE_CLAIM_TIMEOUT_MILLIS = 5000;

        public Prefork(int children, boolean unsharedFileState, boolean byPeerAddress) {
            this(children, unsharedFileState, byPeerAddress, MessagingLimits.DEFAULTS);
        }

        public Prefork(int children, boolean unsharedFileState, boolean byPeerAddress, MessagingLimits messaging) {
            this(children, unsharedFileState, byPeerAddress, messaging, DEFAULT_MAX_SESSIONS,
                    java.time.Duration.ofMillis(DEFAULT_SESSION_CLOSE_TIMEOUT_MILLIS),
                    java.time.Duration.ofMillis(DEFAULT_DURABLE_CLAIM_TIMEOUT_MILLIS));
        }

        public static Prefork off() {
            return new Prefork(0, false, false);
        }
    }

    /**
     * Limits on what one authenticated client's requests may hold: {@code max open files} (open handles per
     * session, 1..1048576, default 16384 as Samba's; beyond, CREATE fails with STATUS_TOO_MANY_OPENED_FILES),
     * and per server-side copy request ([MS-SMB2] 3.3.5.15.6 ServerSideCopyMaxNumberofChunks, ...MaxChunkSize,
     * ...MaxDataSize; Windows' and Samba's defaults): {@code smbserver:copychunk max chunks} (1..65536, default
     * 256), {@code smbserver:copychunk max chunk size} (bytes, 1..16 MiB, default 1 MiB), {@code
     * smbserver:copychunk max data size} (bytes, 1..1 GiB, default 16 MiB).
     */
    public record RequestLimits(int maxOpenFiles, int copyChunkMaxChunks, int copyChunkMaxChunkSize,
            int copyChunkMaxData) {
        public static final int DEFAULT_MAX_OPEN_FILES = 16384;
        public static final int MAX_MAX_OPEN_FILES = 1 << 20;
        public static final int DEFAULT_COPYCHUNK_MAX_CHUNKS = 256;
        public static final int DEFAULT_COPYCHUNK_MAX_CHUNK_SIZE = 1 << 20;
        public static final int DEFAULT_COPYCHUNK_MAX_DATA = 16 << 20;
    }

    /**
     * How oplocks and leases behave: {@code smb2 leases} (default yes), {@code smb2 disable oplock break
     * retry} (default no: an oplock break goes to the session's channels one after the other, in creation
     * order, until one takes it in, as [MS-SMB2] 3.3.4.6 says; yes: only to the newest channel, never
     * retried, as Windows does), {@code smbd:FSCTL_SMBTORTURE} (default no; yes: serve Samba's test-only
     * FSCTL_SMBTORTURE codes, among them FORCE_UNACKED_TIMEOUT, which makes a connection never acknowledge breaks;
     * see {@code smb2.handler.SmbtortureFsctl}), and
     * {@code smbserver:break ack timeout} (milliseconds, 100..35000, default 1000: how long a channel may
     * leave a break unread before it is dropped and the break goes to the next channel).
     */
    public record Oplocking(boolean leases, boolean disableOplockBreakRetry, boolean fsctlSmbtorture,
            java.time.Duration breakAckTimeout) {
    }

    public SmbConfig {
        interfaces = List.copyOf(interfaces);
        ports = List.copyOf(ports);
        // in smb.conf order: share listings follow it, as Samba's do
        shares = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(shares));
        java.util.Objects.requireNonNull(requestLimits, "requestLimits");
        java.util.Objects.requireNonNull(io, "io");
        java.util.Objects.requireNonNull(prefork, "prefork");
    }

    /** The share named {@code name} (case-insensitive), or null. */
    public ShareConfig share(String name) {
        return shares.get(name.toLowerCase(Locale.ROOT));
    }
}
