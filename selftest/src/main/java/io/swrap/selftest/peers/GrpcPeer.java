package io.swrap.selftest.peers;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * gRPC over grpc-netty-shaded (a relocated Netty that picks epoll by itself when it can), with a
 * hand-written method and a byte marshaller instead of generated protobuf code.
 * {@code GrpcPeer server HOST:PORT} answers {@code swrap.Echo/Who} with the caller's address as
 * the server sees it; {@code GrpcPeer client HOST:PORT} makes one unary call and prints
 * {@code REPLY local=<its address> PEER <address the server saw> hello}.
 */
public final class GrpcPeer {
    static final MethodDescriptor<byte[], byte[]> WHO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("swrap.Echo", "Who"))
            .setRequestMarshaller(new Bytes())
            .setResponseMarshaller(new Bytes())
            .build();
    private static final Context.Key<SocketAddress> PEER = Context.key("peer");
    private static final int TIMEOUT_SECONDS = 30;

    private GrpcPeer() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress address = Addr.parse(args[1]);
        if (args[0].equals("server")) {
            Server server = server(address);
            System.out.println("LISTENING " + server.getListenSockets());
            server.awaitTermination();
        } else {
            System.out.println("REPLY " + call(address, "hello"));
        }
    }

    /** A started server on {@code address} whose one method answers "PEER <caller's address> <request>". */
    static Server server(InetSocketAddress address) throws IOException {
        ServerServiceDefinition service = ServerServiceDefinition.builder("swrap.Echo")
                .addMethod(WHO, ServerCalls.asyncUnaryCall((request, observer) -> {
                    observer.onNext(("PEER " + PEER.get() + " " + new String(request, StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8));
                    observer.onCompleted();
                }))
                .build();
        ServerInterceptor peer = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                Context ctx = Context.current().withValue(PEER,
                        call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
                return Contexts.interceptCall(ctx, call, headers, next);
            }
        };
        return io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder
                .forAddress(address, InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(service, peer))
                .build()
                .start();
    }

    /**
     * One unary call to {@code address}: "local=<the client's address> <reply>"; the channel is
     * closed afterwards.
     */
    static String call(InetSocketAddress address, String text) throws Exception {
        ManagedChannel channel = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
                .forAddress(address, InsecureChannelCredentials.create())
                .build();
        try {
            ClientCall<byte[], byte[]> call = channel.newCall(WHO,
                    CallOptions.DEFAULT.withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            byte[] reply = ClientCalls.futureUnaryCall(call, text.getBytes(StandardCharsets.UTF_8))
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return "local=" + call.getAttributes().get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR) + " "
                    + new String(reply, StandardCharsets.UTF_8);
        } finally {
            channel.shutdownNow().awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("reading a gRPC message", e);
            }
        }
    }
}
