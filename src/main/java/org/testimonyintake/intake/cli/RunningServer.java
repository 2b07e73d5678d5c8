package org.testimonyintake.intake.cli;

import org.testimonyintake.cli.CliException;
import org.testimonyintake.cli.ExitCode;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import org.testimonyintake.format.KeyMaterialException;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.intake.i18n.Messages;
import org.testimonyintake.intake.submission.FormToken;
import org.testimonyintake.intake.submission.OfficeCertificateFile;
import org.testimonyintake.intake.submission.Questionnaire;
import org.testimonyintake.intake.submission.SubmissionService;
import org.testimonyintake.intake.web.IntakeApp;
import org.testimonyintake.returning.InstallationSalt;
import org.testimonyintake.returning.ReceiptChecks;
import org.testimonyintake.returning.ReturningSources;
import org.testimonyintake.store.CaseStore;
import org.testimonyintake.store.PostgresSubmissionStore;
import org.testimonyintake.store.SubmissionStore;
import org.testimonyintake.upload.UploadLimits;
import org.testimonyintake.upload.UploadStore;

/** The intake site started from the command line, with everything it opened; {@code serve} and {@code demo} use it. */
public final class RunningServer {
    /** Partial uploads of browser ciphertext live beside the store's files (FORMAT.md section 7.1). */
    private static final String UPLOADS = "uploads";

    private final IntakeApp app;
    private final SubmissionStore store;
    private final UploadStore uploads;
    private final CaseStore cases;
    private final ScheduledExecutorService caseCleanup;
    private final OfficeCertificateFile office;
    private final String url;

    private RunningServer(IntakeApp app, SubmissionStore store, UploadStore uploads, CaseStore cases,
                          ScheduledExecutorService caseCleanup, OfficeCertificateFile office, String url) {
        this.app = app;
        this.store = store;
        this.uploads = uploads;
        this.cases = cases;
        this.caseCleanup = caseCleanup;
        this.office = office;
        this.url = url;
    }

    /** Opens the submission store a server uses. */
    public interface StoreOpener {
        SubmissionStore open() throws Exception;
    }

    /** As {@link #start(Path, Path, Path, StoreOpener, String, int, IntakeApp.Settings)} with the SQLite store in dataDirectory. */
    public static RunningServer start(Path keyFile, Path questionnaireFile, Path dataDirectory, String bind, int port,
                               IntakeApp.Settings settings) throws Exception {
        return start(keyFile, questionnaireFile, dataDirectory, () -> openStore(dataDirectory), bind, port, settings);
    }

    /** Checks the office key and the questionnaire first: a server that cannot take testimony safely does not start. */
    public static RunningServer start(Path keyFile, Path questionnaireFile, Path dataDirectory, StoreOpener storeOpener,
                               String bind, int port, IntakeApp.Settings settings) throws Exception {
        OfficeCertificateFile office = openOfficeKey(keyFile);
        Questionnaire questionnaire = loadQuestionnaire(questionnaireFile);
        SubmissionStore store = storeOpener.open();
        UploadStore uploads = null;
        CaseStore cases = null;
        ScheduledExecutorService caseCleanup = null;
        try {
            // The SQLite store creates it; beside a PostgreSQL store it holds only the server's own state.
            Files.createDirectories(dataDirectory, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            FormToken formToken = FormToken.openOrCreate(dataDirectory);
            UploadLimits uploadLimits = SubmissionService.uploadLimits(settings.limits());
            // On PostgreSQL the uploads live in the database too: the chunks of one upload may reach any server.
            uploads = store instanceof PostgresSubmissionStore shared ? shared.uploads(uploadLimits)
                    : UploadStore.open(dataDirectory.resolve(UPLOADS), uploadLimits);
            uploads.scheduleCleanup();
            // Returning sources' cases too: a source who comes back may reach any server.
            cases = store instanceof PostgresSubmissionStore shared ? shared.cases()
                    : CaseStore.open(dataDirectory, Clock.systemUTC());
            caseCleanup = scheduleCaseCleanup(cases, settings.retention());
            ReturningSources returning = new ReturningSources(new ReceiptChecks(
                    InstallationSalt.loadOrCreate(dataDirectory, new SecureRandom()), ReceiptChecks.Cost.STANDARD,
                    ReceiptChecks.Bounds.STANDARD), cases);
            IntakeApp app = new IntakeApp(office, store, uploads, returning, questionnaire, Messages.load(), formToken,
                    settings).start(bind, port);
            String host = bind.contains(":") ? "[" + bind + "]" : bind;
            return new RunningServer(app, store, uploads, cases, caseCleanup, office,
                    "http://" + host + ":" + app.port() + "/");
        } catch (JavalinBindException e) {
            closeIfOpened(uploads, cases, caseCleanup);
            store.close();
            throw new CliException(ExitCode.CANNOT_LISTEN, "cannot listen on " + bind + " port " + port,
                    "another program may use this port: choose another with --port");
        } catch (Exception e) {
            closeIfOpened(uploads, cases, caseCleanup);
            store.close();
            throw e;
        }
    }

    private static void closeIfOpened(UploadStore uploads, CaseStore cases, ScheduledExecutorService caseCleanup) {
        if (caseCleanup != null) {
            caseCleanup.shutdownNow();
        }
        if (cases != null) {
            cases.close();
        }
        if (uploads != null) {
            uploads.close();
        }
    }

    /** Deletes expired replies and forgets idle cases (FORMAT.md section 10.7) at start and every hour after. */
    private static ScheduledExecutorService scheduleCaseCleanup(CaseStore cases, CaseStore.Retention retention) {
        ScheduledExecutorService cleanup = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "case-cleanup");
            thread.setDaemon(true);
            return thread;
        });
        cleanup.scheduleWithFixedDelay(() -> {
            try {
                cases.deleteExpired(retention);
            } catch (RuntimeException e) {
                // the class only: a message could quote stored data
                LoggerFactory.getLogger(RunningServer.class).error("deleting expired replies failed: {}",
                        e.getClass().getName());
            }
        }, 0, 1, TimeUnit.HOURS);
        return cleanup;
    }

    public String url() {
        return url;
    }

    OfficeCertificate certificate() {
        return office.get();
    }

    /**
     * Serves until the process is stopped (Ctrl-C or SIGTERM), then closes the site and the store. SIGHUP re-reads
     * the office key instead of ending the JVM, as {@code systemctl reload} expects; uploads in flight keep the
     * certificate they started with.
     */
    void serveUntilStopped() throws InterruptedException {
        Signal.handle(new Signal("HUP"), signal -> office.reloadNow());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop();
            stopped.countDown();
        }, "intake-server shutdown"));
        stopped.await();
    }

    public void stop() {
        app.stop();
        closeIfOpened(uploads, cases, caseCleanup);
        store.close();
    }

    /** The store, or a clear refusal when another process (a running server, an export) has it open. */
    static SubmissionStore openStore(Path dataDirectory) throws CliException {
        try {
            return SubmissionStore.open(dataDirectory);
        } catch (IOException e) {
            throw new CliException(ExitCode.FILE, "cannot open the data in " + dataDirectory + ": "
                    + e.getMessage(), "only one process may use a data directory at a time: "
                    + "if the intake server runs, stop it first");
        }
    }

    /** The store opened to export beside a running server, or a clear refusal when another export has it open. */
    static SubmissionStore openStoreForExport(Path dataDirectory) throws CliException {
        if (!Files.isDirectory(dataDirectory)) {
            throw new CliException(ExitCode.FILE, "the data directory " + dataDirectory + " does not exist");
        }
        try {
            return SubmissionStore.openForExport(dataDirectory);
        } catch (IOException e) {
            throw new CliException(ExitCode.FILE, "cannot open the data in " + dataDirectory + ": " + e.getMessage(),
                    "only one export may run at a time");
        }
    }

    private static OfficeCertificateFile openOfficeKey(Path keyFile) throws CliException, IOException {
        try {
            return OfficeCertificateFile.open(keyFile);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.FILE, "the office key file " + keyFile + " does not exist",
                    "copy the public office certificate (made by intake-office keygen --public) there, "
                            + "or try the site with a throwaway key: intake-server demo");
        } catch (AccessDeniedException e) {
            throw new CliException(ExitCode.FILE, "cannot read the office key file " + keyFile,
                    "the server's user must be able to read it");
        } catch (KeyMaterialException e) {
            throw new CliException(ExitCode.BAD_KEY, "cannot use " + keyFile + ": " + e.getMessage(),
                    "the server needs the public office certificate (intake-office keygen --public FILE), "
                            + "never the secret key");
        }
    }

    private static Questionnaire loadQuestionnaire(Path file) throws CliException, IOException {
        try (InputStream json = file == null ? RunningServer.class.getResourceAsStream("/questionnaire.json")
                : Files.newInputStream(file)) {
            return Questionnaire.load(json);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.FILE, "the questionnaire file " + file + " does not exist");
        } catch (IOException e) {
            throw new CliException(ExitCode.FILE, "cannot use the questionnaire: " + e.getMessage());
        }
    }
}
