import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A single-file source program: prints its listener and peer, echoes one connection. */
public class Echo {
    public static void main(String[] args) throws Exception {
        try (ServerSocket ss = new ServerSocket(Integer.parseInt(args[1]), 5, InetAddress.getByName(args[0]))) {
            System.out.println("LISTENING " + ss.getLocalSocketAddress());
            try (Socket s = ss.accept()) {
                System.out.println("PEER " + s.getRemoteSocketAddress());
                s.getInputStream().transferTo(s.getOutputStream());
            }
        }
    }
}
