package org.testimonyintake.intake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testimonyintake.intake.cli.RunningServer;
import org.testimonyintake.intake.submission.Limits;
import org.testimonyintake.intake.submission.Questionnaire;
import org.testimonyintake.intake.submission.SubmissionService;
import org.testimonyintake.intake.web.IntakeApp;

/**
 * The intake site started as {@code serve} starts it (real key file, real SQLite store in a temporary directory) on a
 * free loopback port, and a plain HTTP client without cookies or redirects.
 */
public final class TestSite implements AutoCloseable {
    private static final Pattern FORM_TOKEN = Pattern.compile("name=\"form-token\" value=\"([^\"]+)\"");

    public final Path directory;
    public final Path keyFile;
    public final Path dataDirectory;
    /** Null for a site served by another process, which {@link #close} leaves alone. */
    private final RunningServer server;
    private final String url;
    private final HttpClient client = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();

    private TestSite(Path directory, Path keyFile, Path dataDirectory, RunningServer server) {
        this(directory, keyFile, dataDirectory, server, server.url());
    }

    private TestSite(Path directory, Path keyFile, Path dataDirectory, RunningServer server, String url) {
        this.directory = directory;
        this.keyFile = keyFile;
        this.dataDirectory = dataDirectory;
        this.server = server;
        this.url = url;
    }

    /** A client for a site that another process serves at url (e.g. a {@code serve} child process). */
    public static TestSite servedBy(String url, Path directory, Path keyFile, Path dataDirectory) {
        return new TestSite(directory, keyFile, dataDirectory, null, url);
    }

    public static TestSite start(Path directory) throws Exception {
        return start(directory, Limits.defaults());
    }

    public static TestSite start(Path directory, Limits limits) throws Exception {
        return start(directory, new IntakeApp.Settings(limits, 30, Optional.empty()));
    }

    public static TestSite start(Path directory, IntakeApp.Settings settings) throws Exception {
        Path keyFile = TestOffice.certificateFile(directory);
        Path data = directory.resolve("data");
        RunningServer server = RunningServer.start(keyFile, null, data, "127.0.0.1", 0, settings);
        return new TestSite(directory, keyFile, data, server);
    }

    /** The site with another submission store than the SQLite one in its data directory. */
    public static TestSite start(Path directory, RunningServer.StoreOpener store) throws Exception {
        Path keyFile = TestOffice.certificateFile(directory);
        Path data = directory.resolve("data");
        RunningServer server = RunningServer.start(keyFile, null, data, store, "127.0.0.1", 0,
                new IntakeApp.Settings(Limits.defaults(), 30, Optional.empty()));
        return new TestSite(directory, keyFile, data, server);
    }

    public URI uri(String pathAndQuery) {
        return URI.create(url).resolve(pathAndQuery);
    }

    public HttpResponse<String> get(String pathAndQuery, String... headers) throws IOException, InterruptedException {
        return send("GET", pathAndQuery, HttpRequest.BodyPublishers.noBody(), headers);
    }

    public HttpResponse<String> send(String method, String pathAndQuery, BodyPublisher body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).method(method, body)
                .timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** The form token of a freshly served form, as a browser would send it back. */
    public String formToken() throws IOException, InterruptedException {
        HttpResponse<String> form = get("/form");
        Matcher token = FORM_TOKEN.matcher(form.body());
        if (!token.find()) {
            // Seen once under heavy load: say what came instead, so a rare failure can be understood.
            throw new AssertionError("the form has no form-token field: status " + form.statusCode() + ", body starts "
                    + form.body().substring(0, Math.min(300, form.body().length())));
        }
        return token.group(1);
    }

    /** Sends the JavaScript-off form with its token and a testimony, as a browser does with the other fields empty. */
    public HttpResponse<String> submit(String pathAndQuery, String token, String testimony)
            throws IOException, InterruptedException {
        return postForm(pathAndQuery, SubmissionService.FORM_TOKEN_FIELD, token, Questionnaire.TESTIMONY, testimony);
    }

    /** POSTs multipart/form-data built from {@code fields} (name, value pairs, in order). */
    public HttpResponse<String> postForm(String pathAndQuery, String... fields) throws IOException, InterruptedException {
        Multipart body = new Multipart();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            body.field(fields[i], fields[i + 1]);
        }
        return post(pathAndQuery, body);
    }

    public HttpResponse<String> post(String pathAndQuery, Multipart body) throws IOException, InterruptedException {
        return send("POST", pathAndQuery, HttpRequest.BodyPublishers.ofByteArray(body.bytes()),
                "Content-Type", "multipart/form-data; boundary=" + body.boundary);
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
    }

    /** A multipart/form-data body as a browser sends it. */
    public static final class Multipart {
        public final String boundary = "----TestBoundary" + UUID.randomUUID().toString().replace("-", "");
        private final List<byte[]> parts = new ArrayList<>();

        public Multipart field(String name, String value) {
            add("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n",
                    value.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        public Multipart file(String name, String fileName, String contentType, byte[] content) {
            add("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName + "\"\r\n"
                    + "Content-Type: " + contentType + "\r\n\r\n", content);
            return this;
        }

        private void add(String head, byte[] content) {
            parts.add(("--" + boundary + "\r\n" + head).getBytes(StandardCharsets.UTF_8));
            parts.add(content);
            parts.add("\r\n".getBytes(StandardCharsets.US_ASCII));
        }

        /** The whole body: sent with a Content-Length, as browsers send forms. */
        public byte[] bytes() {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            parts.forEach(body::writeBytes);
            body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            return body.toByteArray();
        }
    }
}
