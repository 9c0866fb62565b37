package io.swrap.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The training run of the JDK AOT cache that {@code scripts/swrap-run} builds for the agent
 * ({@code -XX:AOTCacheOutput}, JEP 483/514): run under the agent in a throw-away network, it does what
 * most programs of a fake network do early, so that the classes of those paths (the agent's hooks, the
 * table's locked sections, the FFM linker of the first socket, the resolver) are in the cache and
 * are loaded from it instead of being parsed and linked in every JVM.
 *
 * <p>It lives in the agent jar because the cache must serve any application: the JVM accepts a cache
 * only if its run's class path starts with the training run's, and the training's is empty (this class
 * comes from the boot class path, where the agent jar is).
 */
public final class AotTraining {
    private AotTraining() {
    }

    /** Exits non-zero with the failure if anything a wrapped program would do fails here. */
    public static void main(String[] args) throws IOException {
        InetAddress local = InetAddress.getLocalHost();
        InetAddress.getByName("localhost");
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(local, 0));
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
                    SocketChannel accepted = server.accept()) {
                client.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                ByteBuffer in = ByteBuffer.allocate(3);
                while (in.hasRemaining() && accepted.read(in) >= 0) {
                    // a unix stream may deliver the three bytes in parts
                }
                if (in.hasRemaining()) {
                    throw new IOException("training echo: " + in.position() + " of 3 bytes arrived before EOF");
                }
                client.shutdownOutput();
            }
        }
        try (DatagramChannel a = DatagramChannel.open(StandardProtocolFamily.INET);
                DatagramChannel b = DatagramChannel.open(StandardProtocolFamily.INET)) {
            b.bind(new InetSocketAddress(local, 0));
            a.send(ByteBuffer.wrap(new byte[] {4}), b.getLocalAddress());
            if (b.receive(ByteBuffer.allocate(1)) == null) {
                throw new IOException("training datagram: a blocking receive returned no sender");
            }
        }
        System.out.println("swrap-agent AOT training: done");
    }
}
