package org.testimonyintake.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A lean HTTP/1.1 client for the benchmarks: one keep-alive connection, requests sent as prepared bytes, responses read
 * with Content-Length or chunked framing. It costs the server's two cores far less than java.net.http would, so the
 * figures are the server's.
 */
final class RawHttp implements AutoCloseable {
    private static final Pattern FORM_TOKEN = Pattern.compile("name=\"form-token\" value=\"([^\"]+)\"");

    private final InetSocketAddress address;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    RawHttp(URI base, int timeoutMillis) {
        this.address = new InetSocketAddress(base.getHost(), base.getPort());
        this.timeoutMillis = timeoutMillis;
    }

    /** A response: status and body (bodies here are small pages). */
    record Response(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Sends a prepared request (request line, headers and body); reconnects once if a kept-alive socket was closed. */
    Response send(byte[] request) throws IOException {
        boolean fresh = socket == null;
        try {
            return exchange(request);
        } catch (IOException e) {
            closeSocket();
            if (fresh) {
                throw e;
            }
            return exchange(request); // the server closed an idle keep-alive connection
        }
    }

    private Response exchange(byte[] request) throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(address, timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 14);
            out = socket.getOutputStream();
        }
        out.write(request);
        out.flush();
        String statusLine = line();
        if (statusLine == null || !statusLine.startsWith("HTTP/1.1 ")) {
            throw new IOException("no HTTP response: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String header; !(header = line()).isEmpty(); ) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        byte[] body;
        if (chunked) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int size; (size = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0; ) {
                all.writeBytes(in.readNBytes(size));
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
            body = all.toByteArray();
        } else if (length >= 0) {
            body = in.readNBytes((int) length);
            if (body.length != length) {
                throw new IOException("response cut off");
            }
        } else {
            body = in.readAllBytes();
            close = true;
        }
        if (close) {
            closeSocket();
        }
        return new Response(status, body);
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) c);
        }
        throw new IOException("connection closed");
    }

    private void closeSocket() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // gone anyway
            }
        }
        socket = null;
    }

    @Override
    public void close() {
        closeSocket();
    }

    static byte[] get(URI base, String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The form token of a freshly served form, as a browser sends it back. */
    static String formToken(URI base) throws IOException {
        try (RawHttp http = new RawHttp(base, 30_000)) {
            Response form = http.send(get(base, "/form"));
            Matcher token = FORM_TOKEN.matcher(form.text());
            if (form.status() != 200 || !token.find()) {
                throw new IOException("GET /form gave no form token (status " + form.status() + ")");
            }
            return token.group(1);
        }
    }

    /** A multipart/form-data POST as a browser sends it, with a Content-Length. */
    static final class Multipart {
        private final String boundary = "----BenchBoundary" + UUID.randomUUID().toString().replace("-", "");
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        Multipart field(String name, String value) {
            return part("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n",
                    value.getBytes(StandardCharsets.UTF_8));
        }

        Multipart file(String name, String fileName, String contentType, byte[] content) {
            return part("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName + "\"\r\n"
                    + "Content-Type: " + contentType + "\r\n\r\n", content);
        }

        private Multipart part(String head, byte[] content) {
            body.writeBytes(("--" + boundary + "\r\n" + head).getBytes(StandardCharsets.UTF_8));
            body.writeBytes(content);
            body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        /** The whole request: request line, headers and body. */
        byte[] request(URI base, String path) {
            byte[] end = ("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\n"
                    + "Content-Type: multipart/form-data; boundary=" + boundary + "\r\n"
                    + "Content-Length: " + (body.size() + end.length) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream all = new ByteArrayOutputStream(head.length + body.size() + end.length);
            all.writeBytes(head);
            all.writeBytes(body.toByteArray());
            all.writeBytes(end);
            return all.toByteArray();
        }
    }
}
