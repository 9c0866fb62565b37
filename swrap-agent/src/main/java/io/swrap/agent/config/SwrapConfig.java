package io.swrap.agent.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The agent's whole configuration, read once at start-up from the same environment variables as C
 * socket_wrapper; agent arguments ({@code -javaagent:swrap-agent.jar=dir=/tmp/net,default_iface=11})
 * override them. Every setting is listed here once with its default and range.
 *
 * <table>
 * <tr><th>variable</th><th>agent argument</th><th>default</th><th>accepted</th></tr>
 * <tr><td>SOCKET_WRAPPER_DIR</td><td>dir</td><td>unset: agent off</td><td>an existing directory,
 *     path short enough for sun_path</td></tr>
 * <tr><td>SOCKET_WRAPPER_DEFAULT_IFACE</td><td>default_iface</td><td>1</td><td>1..64</td></tr>
 * <tr><td>SOCKET_WRAPPER_IPV4_NETWORK</td><td>ipv4_network</td><td>127.0.0.0</td><td>127.0.0.0, 10.53.57.0</td></tr>
 * <tr><td>SOCKET_WRAPPER_MTU</td><td>mtu</td><td>1500</td><td>512..32768</td></tr>
 * <tr><td>SOCKET_WRAPPER_MAX_SOCKETS</td><td>max_sockets</td><td>65535</td><td>1..262140</td></tr>
 * <tr><td>SOCKET_WRAPPER_DEBUGLEVEL</td><td>debuglevel</td><td>0</td><td>0 (error)..3 (trace)</td></tr>
 * <tr><td>SOCKET_WRAPPER_PCAP_FILE</td><td>pcap_file</td><td>unset</td><td>a file path</td></tr>
 * <tr><td>SWRAP_HOSTNAME</td><td>hostname</td><td>swrap-X (X: default interface)</td><td>a host name</td></tr>
 * <tr><td>SWRAP_INTERFACES</td><td>interfaces</td><td>the default interface</td><td>1..64, comma-separated</td></tr>
 * <tr><td>RESOLV_WRAPPER_HOSTS</td><td>hosts</td><td>unset</td><td>a file in resolv_wrapper's format</td></tr>
 * <tr><td>SWRAP_REQUIRE_DIR</td><td>require</td><td>0</td><td>0, 1 (1: SOCKET_WRAPPER_DIR unset is fatal)</td></tr>
 * <tr><td>SWRAP_LINKS</td><td>links</td><td>unset: no shaping</td><td>{@code 11:100mibit,2ms;12:1gbit}
 *     (see {@link LinkSpec})</td></tr>
 * <tr><td>SWRAP_CACHE_DIR</td><td>cache</td><td>$XDG_CACHE_HOME/swrap-agent, else ~/.cache/swrap-agent</td><td>a
 * directory, or {@code off}</td></tr>
 * </table>
 *
 * <p>Unlike C, which aborts or silently falls back to a default, an invalid value is a
 * {@link ConfigException} naming the variable, the value and the accepted range.
 */
public final class SwrapConfig {
    public static final int MAX_INTERFACES = 64;
    public static final int MAX_SOCKETS_LIMIT = 262140;
    /** {@code sizeof(((struct sockaddr_un) 0).sun_path)}, including the terminating NUL. */
    static final int SUN_PATH_MAX = 108;
    /** Length of a socket file name such as {@code T0B01BD}, plus the separating '/'. */
    static final int NAME_LENGTH = 8;

    private final Path dir;
    private final int defaultIface;
    private final Ipv4Network ipv4Network;
    private final int mtu;
    private final int maxSockets;
    private final int debugLevel;
    private final Path pcapFile;
    // Host identity
    private final HostIdentity identity;
    // Clear errors
    private final boolean requireDir;
    private Path cacheDir;
    private Map<Integer, LinkSpec> links = Map.of();

    private SwrapConfig(Path dir, int defaultIface, Ipv4Network ipv4Network, int mtu,
                        int maxSockets, int debugLevel, Path pcapFile, HostIdentity identity, boolean requireDir) {
        this.identity = identity;
        this.requireDir = requireDir;
        this.dir = dir;
        this.defaultIface = defaultIface;
        this.ipv4Network = ipv4Network;
        this.mtu = mtu;
        this.maxSockets = maxSockets;
        this.debugLevel = debugLevel;
        this.pcapFile = pcapFile;
    }

    /** The two IPv4 networks C socket_wrapper knows; the interface number is the last octet. */
    public enum Ipv4Network {
        LOOPBACK(new byte[] {127, 0, 0, 0}, "127.0.0.0"),
        SAMBA(new byte[] {10, 53, 57, 0}, "10.53.57.0");

        private final byte[] prefix;
        private final String text;

        Ipv4Network(byte[] prefix, String text) {
            this.prefix = prefix;
            this.text = text;
        }

        /** The network's first three octets followed by zero. */
        public byte[] prefix() {
            return prefix.clone();
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** Whether wrapping is on: only when a socket directory is configured. */
    public boolean enabled() {
        return dir != null;
    }

    /** The socket directory (real path), or null when the agent is off. */
    public Path dir() {
        return dir;
    }

    public int defaultIface() {
        return defaultIface;
    }

    public Ipv4Network ipv4Network() {
        return ipv4Network;
    }

    /**
     * The emulated MTU. C clamps every stream send/recv to it, which caps throughput at a fraction
     * of plain loopback; the agent keeps the value for what depends on packet boundaries (pcap) and
     * does not split stream I/O, so bulk transfers run at unix-socket speed.
     */
    public int mtu() {
        return mtu;
    }

    public int maxSockets() {
        return maxSockets;
    }

    public int debugLevel() {
        return debugLevel;
    }

    /** The pcap capture file, or null. */
    public Path pcapFile() {
        return pcapFile;
    }

    /**
     * The host the process appears to be: its name, the fake interfaces {@code NetworkInterface}
     * lists (the default interface first) and the resolv_wrapper hosts file names resolve from.
     *
     * @param hostName   what {@code InetAddress.getLocalHost()} is called
     * @param interfaces the fake interfaces of the process, default interface first
     * @param hostsFile  resolv_wrapper's hosts file, or null: then only localhost, the host name and
     *                   literal addresses resolve
     */
    public record HostIdentity(String hostName, List<Integer> interfaces, Path hostsFile) {
    }

    /** Host name, interfaces and hosts file; see {@link HostIdentity}. */
    public HostIdentity identity() {
        return identity;
    }

    /** Whether a JVM under the agent without SOCKET_WRAPPER_DIR must stop rather than warn. */
    public boolean requireDir() {
        return requireDir;
    }

    /**
     * Where start-up keeps the advised JDK classes (one subdirectory per JDK and agent jar), or null
     * when that cache is off: then every start advises them anew.
     */
    public Path cacheDir() {
        return cacheDir;
    }

    /** Bandwidth and latency of the fake interfaces that have them ({@code SWRAP_LINKS}); empty: no shaping. */
    public Map<Integer, LinkSpec> links() {
        return links;
    }

    /** Reads the configuration from the environment, with agent arguments taking precedence. */
    public static SwrapConfig load(Map<String, String> env, String agentArgs) {
        Settings s = new Settings(env, AgentArgs.parse(agentArgs));
        SwrapConfig config = load(s);
        config.cacheDir = cacheDir(s, env);
        String links = s.namedString("SWRAP_LINKS", "links");
        if (config.enabled() && links != null && !links.isBlank()) {
            config.links = LinkSpec.parse(s.describeNamed("SWRAP_LINKS", "links"), links);
        }
        return config;
    }

    private static Path cacheDir(Settings s, Map<String, String> env) {
        String value = s.namedString("SWRAP_CACHE_DIR", "cache");
        if ("off".equals(value)) {
            return null;
        }
        if (value != null && !value.isEmpty()) {
            return Path.of(value).toAbsolutePath();
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && xdg.startsWith("/")) {
            return Path.of(xdg, "swrap-agent");
        }
        String home = env.get("HOME");
        return home == null || !home.startsWith("/") ? null : Path.of(home, ".cache", "swrap-agent");
    }

    private static SwrapConfig load(Settings s) {
        int debugLevel = s.intValue("DEBUGLEVEL", 0, 0, 3);
        boolean requireDir = s.named("SWRAP_REQUIRE_DIR", "require", 0, 0, 1) == 1;
        String dirText = s.string("DIR");
        if (dirText == null || dirText.isEmpty()) {
            return new SwrapConfig(null, 1, Ipv4Network.LOOPBACK, 1500, 65535, debugLevel, null, null, requireDir);
        }
        Path dir = checkDir(s.describe("DIR"), dirText);
        int iface = s.intValue("DEFAULT_IFACE", 1, 1, MAX_INTERFACES);
        Ipv4Network net = ipv4Network(s);
        int mtu = s.intValue("MTU", 1500, 512, 32768);
        int maxSockets = s.intValue("MAX_SOCKETS", 65535, 1, MAX_SOCKETS_LIMIT);
        String pcap = s.string("PCAP_FILE");
        Path pcapFile = pcap == null || pcap.isEmpty() ? null : Path.of(pcap).toAbsolutePath();
        return new SwrapConfig(dir, iface, net, mtu, maxSockets, debugLevel, pcapFile, identity(s, iface),
                requireDir);
    }

    // Host identity
    private static HostIdentity identity(Settings s, int defaultIface) {
        String name = s.namedString("SWRAP_HOSTNAME", "hostname");
        if (name == null || name.isEmpty()) {
            name = "swrap-" + defaultIface;
        } else if (name.length() > 253 || !name.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
            throw new ConfigException(s.describeNamed("SWRAP_HOSTNAME", "hostname") + "=" + name
                    + " is not a host name (expected: letters, digits, '-' and '.', at most 253 characters)");
        }
        List<Integer> interfaces = new ArrayList<>(List.of(defaultIface));
        String list = s.namedString("SWRAP_INTERFACES", "interfaces");
        if (list != null && !list.isBlank()) {
            // agent arguments are comma-separated too: there the list is separated by ':'
            for (String part : list.split("[,:]")) {
                int iface = Settings.parseInt(s.describeNamed("SWRAP_INTERFACES", "interfaces"), part, 1,
                        MAX_INTERFACES);
                if (!interfaces.contains(iface)) {
                    interfaces.add(iface);
                }
            }
        }
        String hosts = s.namedString("RESOLV_WRAPPER_HOSTS", "hosts");
        Path hostsFile = null;
        if (hosts != null && !hosts.isEmpty()) {
            hostsFile = Path.of(hosts).toAbsolutePath();
            if (!Files.isReadable(hostsFile)) {
                throw new ConfigException(s.describeNamed("RESOLV_WRAPPER_HOSTS", "hosts") + "=" + hosts
                        + ": not a readable file (create it, or unset it to resolve only localhost and " + name + ")");
            }
        }
        return new HostIdentity(name, List.copyOf(interfaces), hostsFile);
    }

    private static Path checkDir(String name, String value) {
        Path path = Path.of(value);
        if (!Files.isDirectory(path)) {
            throw new ConfigException(name + "=" + value
                    + ": not an existing directory (create it first, e.g. mkdir -p " + value + ")");
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (java.io.IOException e) {
            throw new ConfigException(name + "=" + value + ": cannot resolve the real path: " + e, e);
        }
        int longest = real.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + NAME_LENGTH;
        if (longest >= SUN_PATH_MAX) {
            throw new ConfigException(name + "=" + value + ": the real path " + real + " is too long: socket"
                    + " file names would need " + longest + " bytes (expected: at most " + (SUN_PATH_MAX - 1)
                    + ", the sun_path limit); use a shorter directory");
        }
        return real;
    }

    private static Ipv4Network ipv4Network(Settings s) {
        String value = s.string("IPV4_NETWORK");
        if (value == null || value.isEmpty()) {
            return Ipv4Network.LOOPBACK;
        }
        for (Ipv4Network n : Ipv4Network.values()) {
            if (n.text.equals(value.trim())) {
                return n;
            }
        }
        throw new ConfigException(s.describe("IPV4_NETWORK") + "=" + value
                + " is not supported (expected: 127.0.0.0 or 10.53.57.0)");
    }

    @Override
    public String toString() {
        return "SwrapConfig[dir=" + dir + ", defaultIface=" + defaultIface + ", ipv4Network=" + ipv4Network
                + ", mtu=" + mtu + ", maxSockets=" + maxSockets + ", debugLevel=" + debugLevel
                + ", pcapFile=" + pcapFile + ", identity=" + identity + ", requireDir=" + requireDir + ", cacheDir=" + cacheDir + ", links=" + links.values() + "]";
    }

    /** Looks each setting up in the agent arguments first, then in the environment. */
    private record Settings(Map<String, String> env, Map<String, String> args) {
        private static final String PREFIX = "SOCKET_WRAPPER_";

        Settings {
            Objects.requireNonNull(env, "env");
        }

        String string(String key) {
            String arg = args.get(key.toLowerCase(java.util.Locale.ROOT));
            return arg != null ? arg : env.get(PREFIX + key);
        }

        /** How the setting is named in messages: the source it came from. */
        String describe(String key) {
            String argKey = key.toLowerCase(java.util.Locale.ROOT);
            return args.containsKey(argKey) ? "agent argument " + argKey : PREFIX + key;
        }

        /** A setting whose variable is not {@code SOCKET_WRAPPER_*} (resolv_wrapper's, or the agent's own). */
        String namedString(String envName, String argKey) {
            String arg = args.get(argKey);
            return arg != null ? arg : env.get(envName);
        }

        String describeNamed(String envName, String argKey) {
            return args.containsKey(argKey) ? "agent argument " + argKey : envName;
        }

        int named(String envName, String argKey, int dflt, int min, int max) {
            String value = namedString(envName, argKey);
            return value == null || value.isEmpty() ? dflt : parseInt(describeNamed(envName, argKey), value, min, max);
        }

        int intValue(String key, int dflt, int min, int max) {
            String value = string(key);
            if (value == null || value.isEmpty()) {
                return dflt;
            }
            return parseInt(describe(key), value, min, max);
        }

        static int parseInt(String name, String value, int min, int max) {
            int n;
            try {
                n = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(name + "=" + value + " is not a number (expected: "
                        + min + ".." + max + ")", e);
            }
            if (n < min || n > max) {
                throw new ConfigException(name + "=" + value + " is out of range (expected: "
                        + min + ".." + max + ")");
            }
            return n;
        }
    }
}
