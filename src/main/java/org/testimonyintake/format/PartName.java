package org.testimonyintake.format;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of one part of a submission (FORMAT.md sections 5 and 6): the testimony document
 * ({@code testimony.json.pgp}), a whole attachment ({@code attachment-<n>.pgp}) or segment k of an attachment
 * ({@code attachment-<n>-<k>.pgp}). Parts order as they are sent and read: the testimony first, then by attachment
 * number and segment.
 *
 * @param attachment 0 for the testimony document, else the attachment's number from 1
 * @param segment 0 for a whole message (the testimony or a whole attachment), else the segment's number from 1
 */
public record PartName(int attachment, int segment) implements Comparable<PartName> {
    public static final PartName TESTIMONY = new PartName(0, 0);
    /** The form field that carries the testimony document in a JavaScript-on request. */
    private static final String TESTIMONY_FIELD = "testimony";

    private static final String TESTIMONY_FILE = "testimony.json.pgp";
    private static final String EXTENSION = ".pgp";
    private static final Pattern ATTACHMENT = Pattern.compile("attachment-([1-9][0-9]{0,2})(?:-([1-9][0-9]{0,3}))?");

    public PartName {
        if (attachment < 0 || attachment > TestimonyDocument.MAX_ATTACHMENTS || segment < 0
                || segment > TestimonyDocument.MAX_SEGMENTS || (attachment == 0 && segment != 0)) {
            throw new IllegalArgumentException("no such part: attachment " + attachment + ", segment " + segment);
        }
    }

    public static PartName wholeAttachment(int attachment) {
        return new PartName(attachment, 0);
    }

    public static PartName segment(int attachment, int segment) {
        if (attachment < 1 || segment < 1) {
            throw new IllegalArgumentException("a segment has an attachment number and a segment number from 1");
        }
        return new PartName(attachment, segment);
    }

    /** The part a file or ZIP entry name denotes, if it is one. */
    public static Optional<PartName> parse(String fileName) {
        if (TESTIMONY_FILE.equals(fileName)) {
            return Optional.of(TESTIMONY);
        }
        return fileName.endsWith(EXTENSION) ? attachmentPart(fileName.substring(0, fileName.length() - EXTENSION.length()))
                : Optional.empty();
    }

    /** The part a JavaScript-on form field carries (FORMAT.md section 7): {@code testimony}, {@code attachment-1}, ... */
    public static Optional<PartName> ofField(String fieldName) {
        return TESTIMONY_FIELD.equals(fieldName) ? Optional.of(TESTIMONY) : attachmentPart(fieldName);
    }

    private static Optional<PartName> attachmentPart(String name) {
        Matcher matcher = ATTACHMENT.matcher(name);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        int attachment = Integer.parseInt(matcher.group(1));
        int segment = matcher.group(2) == null ? 0 : Integer.parseInt(matcher.group(2));
        boolean inRange = attachment <= TestimonyDocument.MAX_ATTACHMENTS && segment <= TestimonyDocument.MAX_SEGMENTS;
        return inRange ? Optional.of(new PartName(attachment, segment)) : Optional.empty();
    }

    /**
     * True if this part may come right after {@code previous} in a submission (null: as its first part): the
     * testimony first, then each attachment in turn, whole or as segments 1, 2, ... without gaps.
     */
    public boolean canFollow(PartName previous) {
        if (previous == null) {
            return equals(TESTIMONY);
        }
        boolean nextAttachment = attachment == previous.attachment + 1 && segment <= 1;
        boolean nextSegment = attachment == previous.attachment && previous.segment >= 1 && segment == previous.segment + 1;
        return nextAttachment || nextSegment;
    }

    public boolean isTestimony() {
        return attachment == 0;
    }

    @Override
    public int compareTo(PartName other) {
        return attachment != other.attachment ? Integer.compare(attachment, other.attachment)
                : Integer.compare(segment, other.segment);
    }

    /** The file name, as stored and in a bundle. */
    @Override
    public String toString() {
        return isTestimony() ? TESTIMONY_FILE
                : "attachment-" + attachment + (segment == 0 ? "" : "-" + segment) + EXTENSION;
    }
}
