package org.testimonyintake.intake.web;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.MethodNotAllowedResponse;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jdbi.v3.core.JdbiException;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.intake.i18n.Messages;
import org.testimonyintake.intake.submission.FormToken;
import org.testimonyintake.intake.submission.Limits;
import org.testimonyintake.intake.submission.OfficeCertificateFile.OfficeKeyUnavailable;
import org.testimonyintake.intake.submission.Questionnaire;
import org.testimonyintake.intake.submission.SubmissionRefused;
import org.testimonyintake.intake.submission.SubmissionService;
import org.testimonyintake.returning.ReturningSources;
import org.testimonyintake.store.CaseStore;
import org.testimonyintake.store.StoreUnavailableException;
import org.testimonyintake.store.SubmissionStore;
import org.testimonyintake.upload.UploadRefused;
import org.testimonyintake.upload.UploadStore;

/**
 * The intake web app: built from its dependencies, one routes block, Jetty set up so that nothing about a visitor is
 * kept or sent back (no sessions, no request log, no server name, no date header) and every limit is chosen here.
 */
public final class IntakeApp {
    /** No route reads a whole body into memory: submissions stream through {@link MultipartForm}, with its limits. */
    private static final long MAX_BUFFERED_BODY_BYTES = 64 * 1024;
    /** Request line and headers together; a Tor Browser request needs about 1 KiB. */
    private static final int MAX_HEADER_BYTES = 8 * 1024;
    /**
     * Jetty's threads (Javalin's default, named because {@link #MAX_WAITING_BODIES} must stay below it): each request
     * holds one while it runs, also while it waits for its body, as the app reads bodies with blocking reads.
     */
    private static final int MAX_THREADS = 250;
    /** Requests that may wait for their bodies at once; beyond that the one furthest behind is cut off. */
    static final int MAX_WAITING_BODIES = 180;

    private final PageController pages;
    private final SubmissionController submissions;
    private final UploadController uploads;
    private final ReturnController returns;
    private final CaseController cases;
    private final ErrorController errors;
    private final Settings settings;
    private Javalin javalin;

    /**
     * What an operator chooses.
     *
     * @param graceDays     days after a rotation that uploads to the previous subkey are still taken (FORMAT.md 2)
     * @param onionLocation the site's onion address, announced to Tor Browser when a clearnet mirror serves the pages
     * @param retention     how long replies and idle returning cases are kept (FORMAT.md 10.7)
     */
    public record Settings(Limits limits, int graceDays, Optional<String> onionLocation, CaseStore.Retention retention) {
        public Settings(Limits limits, int graceDays, Optional<String> onionLocation) {
            this(limits, graceDays, onionLocation, CaseStore.Retention.STANDARD);
        }
    }

    public IntakeApp(Supplier<OfficeCertificate> office, SubmissionStore store, UploadStore uploadStore,
                     ReturningSources returning, Questionnaire questionnaire, Messages messages, FormToken formToken,
                     Settings settings) {
        Views views = new Views(messages);
        Limits limits = settings.limits();
        this.pages = new PageController(views, office, questionnaire, limits, formToken, BrowserScripts.load());
        this.submissions = new SubmissionController(views,
                new SubmissionService(office, store, questionnaire, limits, settings.graceDays(), returning), office,
                limits, formToken, uploadStore);
        this.returns = new ReturnController(views, returning, office, limits, formToken,
                settings.retention().keepReadReplyDays());
        this.cases = new CaseController(returning, office, formToken);
        this.uploads = new UploadController(uploadStore, formToken);
        this.errors = new ErrorController(views, limits);
        this.settings = settings;
    }

    /** Listens on {@code bind:port} (port 0: any free port, see {@link #port()}). */
    public IntakeApp start(String bind, int port) {
        javalin = Javalin.create(config -> configure(config, bind, port)).start();
        return this;
    }

    public int port() {
        return javalin.port();
    }

    public void stop() {
        javalin.stop();
    }

    private void routes(RoutesConfig routes) {
        routes.before(this::everyRequest);
        routes.get("/", pages::landing);
        routes.get("/form", pages::questionnaire);
        routes.post("/submit", submissions::plaintextForm);
        routes.post("/api/submissions", submissions::ciphertext);
        routes.post("/api/submissions/uploaded", submissions::uploaded);
        routes.post("/api/cases", cases::open);
        routes.post("/api/uploads", uploads::create);
        routes.post("/api/uploads/{id}", uploads::append);
        routes.get("/api/uploads/{id}", uploads::offset);
        routes.get("/return", returns::receiptForm);
        routes.post("/return", returns::open);
        routes.get("/key", pages::officeKey);
        routes.get("/robots.txt", pages::robots);
        routes.get("/static/site.css", pages::stylesheet);
        routes.get(BrowserScripts.PATH + "{file}", pages::script);
        routes.exception(SubmissionRefused.class, errors::refused);
        routes.exception(UploadRefused.class, uploads::refused);
        routes.exception(RequestBrokeOff.class, uploads::brokeOff);
        routes.exception(OfficeKeyUnavailable.class, errors::unavailable);
        routes.exception(StoreUnavailableException.class, errors::storeUnavailable);
        // CaseStore calls (returning sources) are unchecked: their database failing is the store being unavailable.
        routes.exception(JdbiException.class, errors::storeUnavailable);
        routes.exception(Exception.class, errors::internal);
        routes.error(404, errors::notFound);
        routes.error(405, errors::methodNotAllowed);
        routes.after(ctx -> UnreadBody.discard(ctx.req(), maxDiscardedBody()));
    }

    /**
     * A refused body is read to its end (so the browser sees the answer, {@link UnreadBody}) when it declares at most
     * twice the largest submission: a source whose files are somewhat over the limit learns why, and a refusal never
     * costs more than two submissions.
     */
    private long maxDiscardedBody() {
        long largest = settings.limits().maxRequestBytes();
        return largest > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * largest;
    }

    /** Security headers on every response, and no method but GET, HEAD and POST. */
    private void everyRequest(Context ctx) {
        SecurityHeaders.ALL.forEach(ctx::header);
        settings.onionLocation().ifPresent(onion -> ctx.header("Onion-Location",
                onion + ctx.path().substring(1) + (ctx.queryString() == null ? "" : "?" + ctx.queryString())));
        if (!SecurityHeaders.ALLOWED_METHODS.contains(ctx.method().name())) {
            throw new MethodNotAllowedResponse();
        }
    }

    private void configure(JavalinConfig config, String bind, int port) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        config.startup.startupWatcherEnabled = false;
        config.http.maxRequestSize = MAX_BUFFERED_BODY_BYTES;
        config.http.generateEtags = false;
        config.jetty.modifyHttpConfiguration(IntakeApp::configureHttp);
        config.jetty.threadPool = new QueuedThreadPool(MAX_THREADS);
        config.jetty.modifyServer(server -> {
            server.setErrorHandler(new ContainerErrorHandler());
            // The other threads stay free for pages and for bodies that keep coming, whatever trickles in.
            server.setHandler(new StalledBodies(MAX_WAITING_BODIES)); // Javalin puts its servlet context inside
        });
        // Jetty's session handler stays in place but can never send a cookie or rewrite a URL.
        config.jetty.modifyServletContextHandler(
                context -> context.getSessionHandler().setSessionTrackingModes(Set.of()));
        config.jetty.addConnector((server, http) -> {
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(bind);
            connector.setPort(port);
            connector.setIdleTimeout(settings.limits().idleTimeout().toMillis()); // then a stalled upload is dropped
            return connector;
        });
        routes(config.routes);
    }

    private static void configureHttp(HttpConfiguration http) {
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setSendDateHeader(false); // clock skew can unmask an onion service's host
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
    }
}
