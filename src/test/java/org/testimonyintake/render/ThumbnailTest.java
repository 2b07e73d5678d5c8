package org.testimonyintake.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Thumbnails of the images in src/test/resources/render/images (see the README there). */
class ThumbnailTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"gps-photo.jpg", "text-chunks.png"})
    void aThumbnailIsRedrawnPixelsWithNothingOfTheSourceFile(String name) throws Exception {
        byte[] source = Files.readAllBytes(image(name));
        assertTrue(new String(source, StandardCharsets.ISO_8859_1).contains("SOURCE-XMP"), "the vector carries metadata");

        byte[] png = Thumbnail.of(image(name)).orElseThrow();

        assertEquals(List.of("IHDR", "IDAT", "IEND"), pngChunkTypes(png).stream().distinct().toList(),
                "no ancillary chunk at all: no text, no EXIF, no ICC profile, no time");
        String text = new String(png, StandardCharsets.ISO_8859_1);
        for (String leak : List.of("GPS", "Exif", "PhoneMakerX", "SOURCE-COMMENT", "SOURCE-XMP", "ExifTool")) {
            assertFalse(text.contains(leak), leak + " is in the thumbnail");
        }
        BufferedImage thumbnail = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(Thumbnail.MAX_SIDE, Math.max(thumbnail.getWidth(), thumbnail.getHeight()));
        assertEquals(800.0 / 600, (double) thumbnail.getWidth() / thumbnail.getHeight(), 0.01);
    }

    @ParameterizedTest
    @ValueSource(strings = {"truncated.jpg", "huge-dimensions.png"})
    void aHostileImageGetsNoThumbnailAndNoCrash(String name) throws Exception {
        assertTrue(Thumbnail.of(image(name)).isEmpty());
    }

    @Test
    void whatIsNoJpegOrPngGetsNoThumbnailWhateverItsName() throws Exception {
        Path pdf = Files.writeString(dir.resolve("photo.jpg"), "%PDF-1.7 not an image");
        Path empty = Files.write(dir.resolve("empty.png"), new byte[0]);
        assertTrue(Thumbnail.of(pdf).isEmpty());
        assertTrue(Thumbnail.of(empty).isEmpty());
    }

    static Path image(String name) throws URISyntaxException {
        return Path.of(ThumbnailTest.class.getResource("/render/images/" + name).toURI());
    }

    private static List<String> pngChunkTypes(byte[] png) {
        List<String> types = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(png, 8, png.length - 8);
        while (buffer.remaining() >= 12) {
            int length = buffer.getInt();
            byte[] type = new byte[4];
            buffer.get(type);
            types.add(new String(type, StandardCharsets.US_ASCII));
            buffer.position(buffer.position() + length + 4);
        }
        return types;
    }
}
