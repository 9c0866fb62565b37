package io.swrap.smb.config;

import io.swrap.smb.smb2.codec.Smb2Dialect;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the smb.conf subset documented on {@link SmbConfig}, in Samba's syntax: {@code [section]},
 * {@code key = value}, comments starting with {@code #} or {@code ;}, lines continued with a trailing
 * backslash. Keys are case-insensitive and their inner spaces do not matter ("smb ports" = "smbports").
 * Anything unknown or invalid fails with the file, the line and the accepted values: unlike Samba,
 * nothing is silently replaced by a default.
 */
public final class SmbConfParser {
    private final String fileName;
    private final Map<String, Integer> globalLines = new LinkedHashMap<>();
    private final Map<String, String> global = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> shareValues = new LinkedHashMap<>();
    private final Map<String, Map<String, Integer>> shareLines = new LinkedHashMap<>();
    private final Map<String, Integer> shareSectionLines = new LinkedHashMap<>();
    private final List<String> ignored = new ArrayList<>();

    private SmbConfParser(String fileName) {
        this.fileName = fileName;
    }

    /** Parses {@code file}; relative share paths and {@code smb passwd file} resolve against its directory. */
    public static SmbConfig parse(Path file) throws IOException, ConfigException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Path base = file.toAbsolutePath().getParent();
        return parse(file.toString(), text, base);
    }

    /** Parses {@code text} as if read from {@code fileName}. */
    public static SmbConfig parse(String fileName, String text, Path baseDir) throws ConfigException {
        SmbConfParser p = new SmbConfParser(fileName);
        p.read(text);
        return p.build(baseDir);
    }

    private void read(String text) throws ConfigException {
        String[] lines = text.split("\r?\n", -1);
        String section = "global";
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            StringBuilder sb = new StringBuilder(lines[i].strip());
            while (sb.length() > 0 && sb.charAt(sb.length() - 1) == '\\' && i + 1 < lines.length) {
                sb.setLength(sb.length() - 1);
                sb.append(lines[++i].strip());
            }
            String line = sb.toString().strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]") || line.length() < 3) {
                    throw new ConfigException(fileName, lineNo, "bad section header: " + line + " (expected: [name])");
                }
                section = line.substring(1, line.length() - 1).strip().toLowerCase(Locale.ROOT);
                if (!section.equals("global")) {
                    if (shareValues.containsKey(section)) {
                        throw new ConfigException(fileName, lineNo, "share [" + section + "] defined twice");
                    }
                    shareValues.put(section, new LinkedHashMap<>());
                    shareLines.put(section, new LinkedHashMap<>());
                    shareSectionLines.put(section, lineNo);
                }
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(fileName, lineNo, "expected 'key = value', got: " + line);
            }
            String key = normalizeKey(line.substring(0, eq));
            String value = line.substring(eq + 1).strip();
            if (section.equals("global")) {
                if (SambaKeys.ignoredGlobal(key) || SambaKeys.ignoredShare(key)) {
                    ignore(lineNo, key, "[global]");
                    continue;
                }
                checkKey(key, lineNo, ALL_GLOBAL_KEYS);
                global.put(key, value);
                globalLines.put(key, lineNo);
            } else {
                if (SambaKeys.ignoredShare(key)) {
                    ignore(lineNo, key, "[" + section + "]");
                    continue;
                }
                checkKey(key, lineNo, SHARE_KEYS);
                shareValues.get(section).put(key, value);
                shareLines.get(section).put(key, lineNo);
            }
        }
    }

    private static final List<String> GLOBAL_KEYS = List.of("interfaces", "smbports", "serversigning", "smbencrypt",
            "serverminprotocol", "servermaxprotocol", "smbpasswdfile", "netbiosname", "workgroup",
            "servermultichannelsupport", "smb2leases", "smb2disableoplockbreakretry", "smbd:fsctl_smbtorture",
            "smbserver:breakacktimeout", "serverstring",
            // logging, and where the smbpasswd file is by default
            "loglevel", "debuglevel", "logfile", "maxlogsize", "privatedir",
            // request limits
            "maxopenfiles", "smbserver:copychunkmaxchunks", "smbserver:copychunkmaxchunksize",
            "smbserver:copychunkmaxdatasize", "smbserver:clientaddressaffinity",
            // the I/O thread pool
            "smbserver:iothreads", "smbserver:maxqueuediorequests", "smbserver:iorequestsperconnection",
            // multi-process mode
            "preforkchildren", "smbserver:preforkunsharedfilestate", "smbserver:preforkplacement",
            "smbserver:ipcmaxmessagesize", "smbserver:ipcmaxqueuedmessages", "smbserver:ipcsendtimeout",
            "smbserver:preforkmaxsessions", "smbserver:preforksessionclosetimeout",
            "smbserver:preforkdurableclaimtimeout");
    // connection limits: their keys join the global ones
    private static final List<String> ALL_GLOBAL_KEYS = Stream.concat(GLOBAL_KEYS.stream(),
            ConnectionLimits.KEYS.stream()).toList();
    private static final List<String> SHARE_KEYS = List.of("path", "readonly", "writeable", "writable", "smbencrypt",
            "comment", "browseable", "browsable", "printable", "smbserver:maxstreamsize");
    /** Samba's default {@code private dir} (Debian's), where the smbpasswd file is by default. */
    static final String DEFAULT_PRIVATE_DIR = "/var/lib/samba/private";
    /** The server comment when smb.conf has no {@code server string}. */
    static final String DEFAULT_SERVER_STRING = "swrap smbserver";

    /** Samba settings this server accepts and does not use: each is logged once, with its file and line. */
    private void ignore(int lineNo, String key, String section) {
        ignored.add(fileName + ":" + lineNo + ": " + section + " '" + key + "' is a Samba setting this server does not use: ignored");
    }

    private static String normalizeKey(String key) {
        return key.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
    }

    private void checkKey(String key, int lineNo, List<String> accepted) throws ConfigException {
        if (!accepted.contains(key)) {
            throw new ConfigException(fileName, lineNo, "unknown setting '" + key + "' (accepted here: "
                    + String.join(", ", accepted) + "; spaces in names do not matter)");
        }
    }

    private SmbConfig build(Path baseDir) throws ConfigException {
        List<InterfaceSpec> ifaces = parseInterfaces(global.getOrDefault("interfaces", ""), line("interfaces"));
        List<Integer> ports = parsePorts(global.getOrDefault("smbports", "445"), line("smbports"));
        SigningSetting signing = parseSigning(global.getOrDefault("serversigning", "auto"), line("serversigning"));
        EncryptSetting encrypt = parseEncrypt(global.getOrDefault("smbencrypt", "off"), line("smbencrypt"));
        int min = parseProtocol(global.getOrDefault("serverminprotocol", "SMB2_02"), line("serverminprotocol"));
        int max = parseProtocol(global.getOrDefault("servermaxprotocol", "SMB3_11"), line("servermaxprotocol"));
        if (min > max) {
            throw new ConfigException(fileName, line("servermaxprotocol"), "server max protocol "
                    + Smb2Dialect.name(max) + " is below server min protocol " + Smb2Dialect.name(min));
        }
        // Samba's default: the smbpasswd file in the private dir
        String passwd = global.getOrDefault("smbpasswdfile",
                global.getOrDefault("privatedir", DEFAULT_PRIVATE_DIR) + "/smbpasswd");
        if (passwd.isEmpty()) {
            throw new ConfigException(fileName, line("smbpasswdfile"), "'smb passwd file' is empty (expected: a path)");
        }
        boolean multiChannel = !global.containsKey("servermultichannelsupport") || parseBool(
                global.get("servermultichannelsupport"), line("servermultichannelsupport"), "server multi channel support");
        SmbConfig.Oplocking oplocking = new SmbConfig.Oplocking(globalBool("smb2leases", "smb2 leases", true),
                globalBool("smb2disableoplockbreakretry", "smb2 disable oplock break retry", false),
                globalBool("smbd:fsctl_smbtorture", "smbd:FSCTL_SMBTORTURE", false),
                java.time.Duration.ofMillis(breakAckTimeout()));
        Map<String, ShareConfig> shares = new LinkedHashMap<>();
        shares.put("ipc$", new ShareConfig("IPC$", null, true, encrypt, "", false));
        for (var e : shareValues.entrySet()) {
            String name = e.getKey();
            if (name.equals("homes") || name.equals("printers") || (e.getValue().containsKey("printable")
                    && parseBool(e.getValue().get("printable"), shareLines.get(name).get("printable"), "printable"))) {
                ignored.add(fileName + ":" + shareSectionLines.get(name) + ": [" + name + "]: home directory and "
                        + "printer shares are not supported: section ignored");
                continue;
            }
            shares.put(name, buildShare(name, e.getValue(), shareLines.get(name), encrypt, baseDir));
        }
        LogSettings log = logSettings(baseDir);
        return new SmbConfig(ifaces, ports, signing, encrypt, min, max, baseDir.resolve(passwd),
                global.getOrDefault("netbiosname", "SWRAP").toUpperCase(Locale.ROOT),
                global.getOrDefault("workgroup", "WORKGROUP").toUpperCase(Locale.ROOT), multiChannel, oplocking, shares,
                // connection limits
                ConnectionLimits.parse(fileName, new ConnectionLimits.Setting() {
                    @Override
                    public String value(String key) {
                        return global.get(key);
                    }

                    @Override
                    public int line(String key) {
                        return SmbConfParser.this.line(key);
                    }
                }),
                requestLimits(),
                global.getOrDefault("serverstring", DEFAULT_SERVER_STRING),
                log,
                globalBool("smbserver:clientaddressaffinity", "smbserver:client address affinity", true),
                ioSettings(),
                prefork());
    }

    /**
     * {@code log level}: Samba's "N [class:N ...]"; the number sets the level, per-class levels are accepted and
     * not used. {@code log file}: Samba's %-macros (%m, %I, %d...) become "smbserver": one file for the server.
     */
    private LogSettings logSettings(Path baseDir) throws ConfigException {
        java.util.logging.Level level = LogSettings.DEFAULT_LEVEL;
        String key = global.containsKey("loglevel") ? "loglevel" : "debuglevel";
        String v = global.get(key);
        if (v != null) {
            String[] words = v.strip().split("\\s+");
            int n;
            try {
                n = Integer.parseInt(words[0]);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 0 || n > 10) {
                throw new ConfigException(fileName, line(key), "log level: " + v
                        + " (expected: 0..10, optionally followed by CLASS:LEVEL items)");
            }
            for (int i = 1; i < words.length; i++) {
                if (!words[i].matches("[A-Za-z_]+:\\d+")) {
                    throw new ConfigException(fileName, line(key), "log level item '" + words[i]
                            + "' (expected: CLASS:LEVEL, e.g. auth:3)");
                }
            }
            if (words.length > 1) {
                ignored.add(fileName + ":" + line(key) + ": [global] 'log level' per-class items "
                        + String.join(" ", java.util.Arrays.copyOfRange(words, 1, words.length)) + ": ignored");
            }
            level = LogSettings.levelOf(n);
        }
        Path file = null;
        String f = global.get("logfile");
        if (f != null && !f.isEmpty()) {
            file = baseDir.resolve(f.replaceAll("%[A-Za-z$]", "smbserver"));
        }
        long maxKib = LogSettings.DEFAULT_MAX_LOG_KIB;
        if (global.containsKey("maxlogsize")) {
            maxKib = parseLong(global.get("maxlogsize"), line("maxlogsize"), "max log size (KiB, 0 = unlimited)");
            if (maxKib > Long.MAX_VALUE / 1024) {
                throw new ConfigException(fileName, line("maxlogsize"), "max log size: " + maxKib + " KiB is too large");
            }
        }
        return new LogSettings(level, file, maxKib * 1024, ignored);
    }

    private boolean globalBool(String key, String name, boolean dflt) throws ConfigException {
        return global.containsKey(key) ? parseBool(global.get(key), line(key), name) : dflt;
    }

    private long breakAckTimeout() throws ConfigException {
        String v = global.get("smbserver:breakacktimeout");
        if (v == null) {
            return 1000;
        }
        long ms = parseLong(v, line("smbserver:breakacktimeout"), "smbserver:break ack timeout");
        if (ms < 100 || ms > 35000) {
            throw new ConfigException(fileName, line("smbserver:breakacktimeout"), "smbserver:break ack timeout: "
                    + ms + " (expected: milliseconds, 100..35000)");
        }
        return ms;
    }

    private IoSettings ioSettings() throws ConfigException {
        return new IoSettings(
                (int) globalNumber("smbserver:iothreads", "smbserver:io threads", IoSettings.DEFAULT_THREADS, 1,
                        IoSettings.MAX_THREADS),
                (int) globalNumber("smbserver:maxqueuediorequests", "smbserver:max queued io requests",
                        IoSettings.DEFAULT_MAX_QUEUED, 0, IoSettings.MAX_MAX_QUEUED),
                (int) globalNumber("smbserver:iorequestsperconnection", "smbserver:io requests per connection",
                        IoSettings.DEFAULT_PER_CONNECTION, 1, IoSettings.MAX_PER_CONNECTION));
    }

    private long globalNumber(String key, String name, long dflt, long min, long max) throws ConfigException {
        if (!global.containsKey(key)) {
            return dflt;
        }
        long v = parseLong(global.get(key), line(key), name);
        if (v < min || v > max) {
            throw new ConfigException(fileName, line(key), name + ": " + v + " (expected: " + min + ".." + max + ")");
        }
        return v;
    }

    private SmbConfig.RequestLimits requestLimits() throws ConfigException {
        int maxOpenFiles = SmbConfig.RequestLimits.DEFAULT_MAX_OPEN_FILES;
        if (global.containsKey("maxopenfiles")) {
            long v = parseLong(global.get("maxopenfiles"), line("maxopenfiles"), "max open files");
            if (v < 1 || v > SmbConfig.RequestLimits.MAX_MAX_OPEN_FILES) {
                throw new ConfigException(fileName, line("maxopenfiles"), "max open files: " + v + " (expected: 1.."
                        + SmbConfig.RequestLimits.MAX_MAX_OPEN_FILES + ")");
            }
            maxOpenFiles = (int) v;
        }
        return new SmbConfig.RequestLimits(maxOpenFiles,
                boundedInt("smbserver:copychunkmaxchunks", "smbserver:copychunk max chunks",
                        SmbConfig.RequestLimits.DEFAULT_COPYCHUNK_MAX_CHUNKS, 1 << 16),
                boundedInt("smbserver:copychunkmaxchunksize", "smbserver:copychunk max chunk size (bytes)",
                        SmbConfig.RequestLimits.DEFAULT_COPYCHUNK_MAX_CHUNK_SIZE, 16 << 20),
                boundedInt("smbserver:copychunkmaxdatasize", "smbserver:copychunk max data size (bytes)",
                        SmbConfig.RequestLimits.DEFAULT_COPYCHUNK_MAX_DATA, 1 << 30));
    }

    /** A [global] number in 1..{@code max}, {@code dflt} when unset. */
    private int boundedInt(String key, String name, int dflt, int max) throws ConfigException {
        if (!global.containsKey(key)) {
            return dflt;
        }
        long v = parseLong(global.get(key), line(key), name);
        if (v < 1 || v > max) {
            throw new ConfigException(fileName, line(key), name + ": " + v + " (expected: 1.." + max + ")");
        }
        return (int) v;
    }

    /** {@code prefork children} (0..{@link SmbConfig.Prefork#MAX_CHILDREN}) and its safety switch. */
    private SmbConfig.Prefork prefork() throws ConfigException {
        int children = 0;
        if (global.containsKey("preforkchildren")) {
            long v = parseLong(global.get("preforkchildren"), line("preforkchildren"), "prefork children");
            if (v < 0 || v > SmbConfig.Prefork.MAX_CHILDREN) {
                throw new ConfigException(fileName, line("preforkchildren"), "prefork children: " + v
                        + " (expected: 0 for one process, 1.." + SmbConfig.Prefork.MAX_CHILDREN + " worker processes)");
            }
            children = (int) v;
        }
        boolean unshared = globalBool("smbserver:preforkunsharedfilestate", "smbserver:prefork unshared file state",
                false);
        String placement = global.getOrDefault("smbserver:preforkplacement", "least-loaded").toLowerCase(Locale.ROOT);
        if (!placement.equals("least-loaded") && !placement.equals("peer-address")) {
            throw new ConfigException(fileName, line("smbserver:preforkplacement"), "smbserver:prefork placement: "
                    + placement + " (expected: least-loaded | peer-address)");
        }
        int maxSessions = (int) globalNumber("smbserver:preforkmaxsessions", "smbserver:prefork max sessions",
                SmbConfig.Prefork.DEFAULT_MAX_SESSIONS, 1, SmbConfig.Prefork.MAX_MAX_SESSIONS);
        java.time.Duration closeTimeout = java.time.Duration.ofMillis(globalNumber(
                "smbserver:preforksessionclosetimeout", "smbserver:prefork session close timeout",
                SmbConfig.Prefork.DEFAULT_SESSION_CLOSE_TIMEOUT_MILLIS, 10, 60_000));
        java.time.Duration claimTimeout = java.time.Duration.ofMillis(globalNumber(
                "smbserver:preforkdurableclaimtimeout", "smbserver:prefork durable claim timeout",
                SmbConfig.Prefork.DEFAULT_DURABLE_CLAIM_TIMEOUT_MILLIS, 10, 60_000));
        return new SmbConfig.Prefork(children, unshared, placement.equals("peer-address"), messaging(), maxSessions,
                closeTimeout, claimTimeout);
    }

    /** The limits of messages between workers ({@link MessagingLimits}). */
    private MessagingLimits messaging() throws ConfigException {
        return new MessagingLimits(
                (int) globalNumber("smbserver:ipcmaxmessagesize", "smbserver:ipc max message size",
                        MessagingLimits.DEFAULT_MAX_MESSAGE_SIZE, MessagingLimits.MIN_MAX_MESSAGE_SIZE,
                        MessagingLimits.MAX_MAX_MESSAGE_SIZE),
                (int) globalNumber("smbserver:ipcmaxqueuedmessages", "smbserver:ipc max queued messages",
                        MessagingLimits.DEFAULT_MAX_QUEUED, 1, MessagingLimits.MAX_MAX_QUEUED),
                java.time.Duration.ofMillis(globalNumber("smbserver:ipcsendtimeout", "smbserver:ipc send timeout",
                        MessagingLimits.DEFAULT_SEND_TIMEOUT_MILLIS, 10, 60_000)));
    }

    private int line(String key) {
        return globalLines.getOrDefault(key, 0);
    }

    private ShareConfig buildShare(String name, Map<String, String> values, Map<String, Integer> lines,
            EncryptSetting globalEncrypt, Path baseDir) throws ConfigException {
        if (name.equals("ipc$")) {
            throw new ConfigException(fileName, shareSectionLines.get(name), "share name [" + name + "] is reserved");
        }
        String path = values.get("path");
        if (path == null || path.isEmpty()) {
            throw new ConfigException(fileName, shareSectionLines.get(name), "share [" + name + "] has no 'path = DIR'");
        }
        boolean readOnly = true;
        if (values.containsKey("readonly")) {
            readOnly = parseBool(values.get("readonly"), lines.get("readonly"), "read only");
        }
        for (String w : List.of("writeable", "writable")) {
            if (values.containsKey(w)) {
                readOnly = !parseBool(values.get(w), lines.get(w), w);
            }
        }
        EncryptSetting enc = values.containsKey("smbencrypt")
                ? parseEncrypt(values.get("smbencrypt"), lines.get("smbencrypt")) : globalEncrypt;
        boolean browseable = true;
        for (String b : List.of("browseable", "browsable")) {
            if (values.containsKey(b)) {
                browseable = parseBool(values.get(b), lines.get(b), b);
            }
        }
        int maxStream = ShareConfig.MAX_STREAM_SIZE;
        if (values.containsKey("smbserver:maxstreamsize")) {
            long v = parseLong(values.get("smbserver:maxstreamsize"), lines.get("smbserver:maxstreamsize"),
                    "smbserver:max stream size");
            if (v < 0 || v > ShareConfig.MAX_STREAM_SIZE) {
                throw new ConfigException(fileName, lines.get("smbserver:maxstreamsize"), "smbserver:max stream size: "
                        + v + " (expected: 0.." + ShareConfig.MAX_STREAM_SIZE + " bytes; 0 turns named streams off)");
            }
            maxStream = (int) v;
        }
        return new ShareConfig(name, baseDir.resolve(path).normalize(), readOnly, enc,
                values.getOrDefault("comment", ""), browseable, maxStream);
    }

    private boolean parseBool(String v, int lineNo, String key) throws ConfigException {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "yes", "true", "1", "on" -> true;
            case "no", "false", "0", "off" -> false;
            default -> throw new ConfigException(fileName, lineNo, key + ": " + v + " (expected: yes | no)");
        };
    }

    private List<InterfaceSpec> parseInterfaces(String v, int lineNo) throws ConfigException {
        List<InterfaceSpec> out = new ArrayList<>();
        // Items are separated by white space; an item's options after ';' are separated by commas,
        // so commas cannot separate items here (Samba quotes such items: "addr;speed=N,capability=RSS").
        for (String quoted : v.split("\\s+")) {
            String item = quoted.replace("\"", "");
            if (item.isBlank()) {
                continue;
            }
            String[] parts = item.split(";", 2);
            long speed = 0;
            boolean rss = false;
            boolean rdma = false;
            if (parts.length == 2) {
                for (String opt : parts[1].split(",")) {
                    String[] kv = opt.split("=", 2);
                    String k = kv[0].strip().toLowerCase(Locale.ROOT);
                    String val = kv.length == 2 ? kv[1].strip() : "";
                    switch (k) {
                        case "speed" -> speed = parseLong(val, lineNo, "interfaces speed");
                        case "capability" -> {
                            switch (val.toUpperCase(Locale.ROOT)) {
                                case "RSS" -> rss = true;
                                case "RDMA" -> rdma = true;
                                default -> throw new ConfigException(fileName, lineNo,
                                        "interfaces capability: " + val + " (expected: RSS | RDMA)");
                            }
                        }
                        default -> throw new ConfigException(fileName, lineNo,
                                "interfaces option: " + opt + " (expected: speed=BITS_PER_SECOND, capability=RSS|RDMA)");
                    }
                }
            }
            // Samba's "ADDRESS/MASK" form: the mask is not needed to bind the address
            String host = parts[0].strip().replaceFirst("/[0-9.]+$", "");
            if (!host.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
                throw new ConfigException(fileName, lineNo, "interfaces: " + host
                        + " (expected: a numeric IPv4 or IPv6 address; names and netmasks are not supported)");
            }
            try {
                out.add(new InterfaceSpec(InetAddress.getByName(host), speed, rss, rdma));
            } catch (UnknownHostException e) {
                throw new ConfigException(fileName, lineNo, "interfaces: " + host + " is not an address: " + e.getMessage());
            }
        }
        return out;
    }

    private long parseLong(String v, int lineNo, String what) throws ConfigException {
        try {
            long l = Long.parseLong(v);
            if (l < 0) {
                throw new NumberFormatException("negative");
            }
            return l;
        } catch (NumberFormatException e) {
            throw new ConfigException(fileName, lineNo, what + ": " + v + " (expected: a number >= 0)");
        }
    }

    private List<Integer> parsePorts(String v, int lineNo) throws ConfigException {
        List<Integer> out = new ArrayList<>();
        for (String p : v.split("[\\s,]+")) {
            if (p.isEmpty()) {
                continue;
            }
            long port = parseLong(p, lineNo, "smb ports");
            if (port < 1 || port > 65535) {
                throw new ConfigException(fileName, lineNo, "smb ports: " + p + " (expected: 1..65535)");
            }
            out.add((int) port);
        }
        if (out.isEmpty()) {
            throw new ConfigException(fileName, lineNo, "smb ports is empty (expected: one or more of 1..65535)");
        }
        return out;
    }

    private SigningSetting parseSigning(String v, int lineNo) throws ConfigException {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "auto", "default", "if_required", "desired", "yes", "on", "enabled" -> SigningSetting.AUTO;
            case "mandatory", "required", "force" -> SigningSetting.MANDATORY;
            case "disabled", "no", "off", "false" -> SigningSetting.DISABLED;
            default -> throw new ConfigException(fileName, lineNo,
                    "server signing: " + v + " (expected: auto | mandatory | disabled)");
        };
    }

    private EncryptSetting parseEncrypt(String v, int lineNo) throws ConfigException {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "off", "no", "false", "disabled", "default", "if_required" -> EncryptSetting.OFF;
            case "desired", "auto", "yes", "on", "enabled" -> EncryptSetting.DESIRED;
            case "required", "mandatory", "force" -> EncryptSetting.REQUIRED;
            default -> throw new ConfigException(fileName, lineNo,
                    "smb encrypt: " + v + " (expected: off | desired | required)");
        };
    }

    private int parseProtocol(String v, int lineNo) throws ConfigException {
        return switch (v.toUpperCase(Locale.ROOT)) {
            case "SMB2_02" -> Smb2Dialect.SMB2_02;
            case "SMB2_10", "SMB2" -> Smb2Dialect.SMB2_10;
            case "SMB3_00" -> Smb2Dialect.SMB3_00;
            case "SMB3_02" -> Smb2Dialect.SMB3_02;
            case "SMB3_11", "SMB3" -> Smb2Dialect.SMB3_11;
            default -> throw new ConfigException(fileName, lineNo,
                    "protocol: " + v + " (expected: SMB2_02 | SMB2_10 | SMB3_00 | SMB3_02 | SMB3_11)");
        };
    }
}
