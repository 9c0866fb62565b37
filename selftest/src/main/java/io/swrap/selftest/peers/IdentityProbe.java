package io.swrap.selftest.peers;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collections;
import java.util.stream.Collectors;

/**
 * What a JVM learns about its host: {@code identity} prints getLocalHost and every network
 * interface; {@code resolve NAME...} and {@code reverse ADDRESS...} print one line per lookup.
 */
public final class IdentityProbe {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "identity" -> identity();
            case "resolve" -> {
                for (int i = 1; i < args.length; i++) {
                    resolve(args[i]);
                }
            }
            case "reverse" -> {
                for (int i = 1; i < args.length; i++) {
                    InetAddress a = InetAddress.getByName(args[i]);
                    System.out.println("REVERSE " + args[i] + " " + a.getHostName() + " " + a.getCanonicalHostName());
                }
            }
            default -> throw new IllegalArgumentException("mode: " + args[0]);
        }
        System.out.println("DONE");
    }

    private static void identity() throws Exception {
        InetAddress local = InetAddress.getLocalHost();
        System.out.println("LOCALHOST " + local.getHostName() + " " + local.getHostAddress());
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            System.out.println("IFACE " + ni.getName() + " index=" + ni.getIndex() + " up=" + ni.isUp()
                    + " loopback=" + ni.isLoopback() + " mtu=" + ni.getMTU() + " addresses="
                    + ni.getInterfaceAddresses().stream().map(a -> a.getAddress().getHostAddress() + "/"
                            + a.getNetworkPrefixLength()).collect(Collectors.joining(",")));
        }
        System.out.println("STREAM " + NetworkInterface.networkInterfaces().map(NetworkInterface::getName)
                .collect(Collectors.joining(",")));
        NetworkInterface byAddress = NetworkInterface.getByInetAddress(local);
        System.out.println("BY-ADDRESS " + (byAddress == null ? null : byAddress.getName()));
        System.out.println("BY-NAME eth0=" + NetworkInterface.getByName("eth0") + " lo="
                + NetworkInterface.getByName("lo").getName());
        NetworkInterface byIndex = NetworkInterface.getByIndex(byAddress == null ? 0 : byAddress.getIndex());
        System.out.println("BY-INDEX " + (byIndex == null ? null : byIndex.getName()));
    }

    private static void resolve(String name) {
        try {
            System.out.println("RESOLVED " + name + " " + Arrays.stream(InetAddress.getAllByName(name))
                    .map(InetAddress::getHostAddress).collect(Collectors.joining(",")));
        } catch (UnknownHostException e) {
            System.out.println("UNKNOWN " + name + " " + e.getMessage());
        }
    }
}
