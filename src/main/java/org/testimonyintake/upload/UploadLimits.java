package org.testimonyintake.upload;

/**
 * How much partial uploads may hold.
 *
 * @param maxUploadBytes the largest single upload
 * @param maxTotalBytes the most bytes all partial uploads together may hold on disk
 * @param maxUploads the most partial uploads at once
 */
public record UploadLimits(long maxUploadBytes, long maxTotalBytes, int maxUploads) {
    public UploadLimits {
        if (maxUploadBytes < 1 || maxTotalBytes < maxUploadBytes || maxUploads < 1) {
            throw new IllegalArgumentException("upload limits must be positive, the total at least one upload");
        }
    }
}
