package io.swrap.agent.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Parses {@code key=value,key=value} agent arguments; keys are the env variables' suffixes. */
final class AgentArgs {
    static final Set<String> KEYS = Set.of(
            "dir", "default_iface", "ipv4_network", "mtu", "max_sockets", "debuglevel", "pcap_file",
            // Host identity
            "hostname", "interfaces", "hosts",
            // Clear errors
            "require", "cache",
            // link emulation: IFACE:RATE/LATENCY items (agent arguments are separated by commas)
            "links");

    private AgentArgs() {
    }

    static Map<String, String> parse(String agentArgs) {
        Map<String, String> out = new LinkedHashMap<>();
        if (agentArgs == null || agentArgs.isBlank()) {
            return out;
        }
        for (String part : agentArgs.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("agent argument '" + part + "' is not key=value (expected keys: "
                        + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
            String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (!KEYS.contains(key)) {
                throw new ConfigException("unknown agent argument '" + key + "' (expected keys: "
                        + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
            out.put(key, part.substring(eq + 1).trim());
        }
        return out;
    }
}
