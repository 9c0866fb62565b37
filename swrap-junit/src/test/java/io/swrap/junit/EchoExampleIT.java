package io.swrap.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.*;
import java.net.*;
import org.junit.jupiter.api.Test;

@SwrapNet
class EchoExampleIT {
    /** The program under test: answers one line, upper-cased, on 127.0.0.11:7000. */
    public static void main(String[] args) throws IOException {
        try (ServerSocket ss = new ServerSocket(7000, 1, InetAddress.getByName("127.0.0.11"));
             Socket s = ss.accept()) {
            String line = new BufferedReader(new InputStreamReader(s.getInputStream())).readLine();
            s.getOutputStream().write((line.toUpperCase() + " from " + s.getLocalAddress() + "\n").getBytes());
        }
    }

    @Test
    void aJavaServerAnswersACClient(SwrapEnv net) throws Exception {
        SwrapProcess server = net.java("server", 11, EchoExampleIT.class);
        net.awaitListener("127.0.0.11", 7000);
        SwrapProcess client = net.c("client", 21, "python3", "-c", "import socket; s = socket.create_connection("
                + "('127.0.0.11', 7000)); s.sendall(b'hello\\n'); print(s.makefile().readline().strip())");
        client.expect("HELLO from /127.0.0.11");
        assertEquals(0, client.waitFor());
        assertEquals(0, server.waitFor());
    }
}
