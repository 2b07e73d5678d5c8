package org.testimonyintake.intake.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers requests Jetty refuses before the app sees them (a malformed URI, oversized headers): a one-line text with
 * the site's security headers, instead of Jetty's page that names the server and echoes the request.
 */
final class ContainerErrorHandler extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        HttpFields.Mutable headers = response.getHeaders();
        SecurityHeaders.ALL.forEach(headers::put);
        headers.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, body(code), callback);
    }

    private static ByteBuffer body(int status) {
        String line = status + " " + HttpStatus.getMessage(status) + "\n";
        return ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
    }
}
