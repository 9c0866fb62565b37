package io.swrap.selftest.peers;

import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code HttpPeers server HOST:PORT}: a com.sun.net.httpserver.HttpServer answering with the
 * addresses it sees; {@code HttpPeers client URL}: a java.net.http.HttpClient printing the reply.
 */
public final class HttpPeers {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("server")) {
            HttpServer server = HttpServer.create(Addr.parse(args[1]), 0);
            server.createContext("/", ex -> {
                byte[] body = ("server=" + ex.getLocalAddress() + " client=" + ex.getRemoteAddress())
                        .getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                try (var out = ex.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            System.out.println("LISTENING " + server.getAddress());
            Thread.currentThread().join();
        } else {
            try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(args[1])).build(),
                            HttpResponse.BodyHandlers.ofString());
                    System.out.println("HTTP " + r.statusCode() + " " + r.body());
                }
            }
        }
    }
}
