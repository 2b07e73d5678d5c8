package org.testimonyintake.render;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * A small PNG of a JPEG or PNG attachment for the testimony page. The source's file is decoded and only its pixels are
 * drawn into a new image and encoded afresh, so nothing of the file reaches the page: no metadata (EXIF with GPS, XMP,
 * ICC, comments), no trailing data, no active content. The kind of file is read from its first octets, never from the
 * type the source's browser claimed. An image that is truncated, damaged, or too large to decode safely gets no
 * thumbnail at all, never a partial one.
 */
public final class Thumbnail {
    /** The longest side of a thumbnail, in pixels. */
    public static final int MAX_SIDE = 320;
    private static final long MAX_FILE_BYTES = 64L << 20;
    private static final long MAX_SOURCE_PIXELS = 100_000_000L;
    private static final int MAX_SOURCE_SIDE = 30_000;
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    static {
        // The office laptop has no use for a display here; decoding and drawing must not look for one.
        System.setProperty("java.awt.headless", "true");
    }

    private Thumbnail() {
    }

    /** The thumbnail as PNG octets, or empty when the file is no JPEG or PNG that decodes cleanly within the limits. */
    public static Optional<byte[]> of(Path image) {
        try {
            if (Files.size(image) > MAX_FILE_BYTES) {
                return Optional.empty();
            }
            String format = format(image);
            if (format == null) {
                return Optional.empty();
            }
            BufferedImage decoded = decode(image, format);
            return decoded == null ? Optional.empty() : Optional.of(encode(scaled(decoded)));
        } catch (IOException | RuntimeException | LinkageError e) {
            return Optional.empty(); // a hostile image gets no thumbnail, and the case folder is made all the same
        }
    }

    private static String format(Path image) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(image)) {
            head = in.readNBytes(PNG.length);
        }
        if (startsWith(head, JPEG)) {
            return "jpeg";
        }
        return startsWith(head, PNG) ? "png" : null;
    }

    private static BufferedImage decode(Path image, String format) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            return null;
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(image.toFile())) {
            reader.setInput(in, true, true); // ignore metadata: it is never read, so never parsed
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width <= 0 || height <= 0 || width > MAX_SOURCE_SIDE || height > MAX_SOURCE_SIDE
                    || (long) width * height > MAX_SOURCE_PIXELS) {
                return null;
            }
            // Decoding every n-th pixel keeps memory near the thumbnail's size, whatever the photo's.
            int step = Math.max(1, Math.max(width, height) / (2 * MAX_SIDE));
            ImageReadParam param = reader.getDefaultReadParam();
            param.setSourceSubsampling(step, step, 0, 0);
            boolean[] warned = {false};
            reader.addIIOReadWarningListener(new IIOReadWarningListener() {
                @Override
                public void warningOccurred(ImageReader source, String warning) {
                    warned[0] = true; // e.g. "Premature end of JPEG file": the rest would be grey
                }
            });
            BufferedImage decoded = reader.read(0, param);
            return warned[0] ? null : decoded;
        } finally {
            reader.dispose();
        }
    }

    private static BufferedImage scaled(BufferedImage source) {
        double scale = Math.min(1.0, (double) MAX_SIDE / Math.max(source.getWidth(), source.getHeight()));
        int width = Math.max(1, (int) Math.round(source.getWidth() * scale));
        int height = Math.max(1, (int) Math.round(source.getHeight() * scale));
        BufferedImage thumbnail = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = thumbnail.createGraphics();
        try {
            graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            graphics.setColor(Color.WHITE);
            graphics.fillRect(0, 0, width, height);
            graphics.drawImage(source, 0, 0, width, height, null);
        } finally {
            graphics.dispose();
        }
        return thumbnail;
    }

    private static byte[] encode(BufferedImage thumbnail) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(thumbnail, "png", png)) {
            throw new IOException("no PNG writer");
        }
        return png.toByteArray();
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
