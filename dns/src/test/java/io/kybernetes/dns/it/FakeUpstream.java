package io.kybernetes.dns.it;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A stand-in for the host's resolver on loopback (UDP and TCP on one port): {@code example.com} has one A record,
 * {@code big.example.com} 60 (too many for 512 bytes: its UDP answer is truncated), everything else NXDOMAIN.
 * Counts the questions per name and transport.
 */
final class FakeUpstream implements AutoCloseable {

    static final String EXAMPLE_IP = "192.0.2.80";
    static final int BIG = 60;

    final Map<String, AtomicInteger> udpQueries = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> tcpQueries = new ConcurrentHashMap<>();
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private volatile boolean closed;

    FakeUpstream() throws IOException {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        DatagramSocket u = null;
        ServerSocket t = null;
        for (int attempt = 0; attempt < 20 && t == null; attempt++) {
            u = new DatagramSocket(0, lo);
            try {
                t = new ServerSocket(u.getLocalPort(), 50, lo);
            } catch (IOException e) {
                u.close();
            }
        }
        if (t == null) {
            throw new IOException("no port free for both UDP and TCP");
        }
        udp = u;
        tcp = t;
        Thread ut = new Thread(this::serveUdp, "fake-upstream-udp");
        ut.setDaemon(true);
        ut.start();
        Thread tt = new Thread(this::serveTcp, "fake-upstream-tcp");
        tt.setDaemon(true);
        tt.start();
    }

    int port() {
        return udp.getLocalPort();
    }

    int queries(Map<String, AtomicInteger> counts, String name) {
        AtomicInteger n = counts.get(name.toLowerCase());
        return n == null ? 0 : n.get();
    }

    private void serveUdp() {
        byte[] buf = new byte[4096];
        while (!closed) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                count(udpQueries, q);
                byte[] out = answer(q).toWire(512);
                udp.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void serveTcp() {
        while (!closed) {
            try (Socket s = tcp.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] wire = new byte[in.readUnsignedShort()];
                in.readFully(wire);
                Message q = new Message(wire);
                count(tcpQueries, q);
                byte[] out = answer(q).toWire();
                DataOutputStream o = new DataOutputStream(s.getOutputStream());
                o.writeShort(out.length);
                o.write(out);
                o.flush();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private static void count(Map<String, AtomicInteger> counts, Message q) {
        String name = q.getQuestion().getName().toString().toLowerCase();
        counts.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
    }

    private static Message answer(Message q) throws IOException {
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.RA);
        r.getHeader().setFlag(Flags.RD);
        Record question = q.getQuestion();
        r.addRecord(question, Section.QUESTION);
        Name name = question.getName();
        String n = name.toString().toLowerCase();
        if (n.equals("example.com.") || n.equals("big.example.com.")) {
            if (question.getType() == Type.A) {
                int count = n.startsWith("big") ? BIG : 1;
                for (int i = 0; i < count; i++) {
                    String ip = count == 1 ? EXAMPLE_IP : "192.0.2." + (100 + i);
                    r.addRecord(new ARecord(name, DClass.IN, 60, InetAddress.getByName(ip)), Section.ANSWER);
                }
            }
            return r;
        }
        r.getHeader().setRcode(Rcode.NXDOMAIN);
        Name com = Name.fromString("com.");
        r.addRecord(new SOARecord(com, DClass.IN, 900, Name.fromString("a.gtld.example."),
                Name.fromString("hostmaster.example."), 1, 1800, 900, 604800, 86400), Section.AUTHORITY);
        return r;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        udp.close();
        tcp.close();
    }
}
