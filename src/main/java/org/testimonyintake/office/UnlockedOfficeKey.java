package org.testimonyintake.office;

import java.util.List;
import java.util.Optional;
import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.openpgp.PGPPrivateKey;

/** The unlocked private parts of every encryption subkey that still has one; lives only in memory for one run. */
public final class UnlockedOfficeKey {
    record Recipient(KeyIdentifier id, PGPPrivateKey privateKey) {
    }

    private final List<Recipient> recipients;

    UnlockedOfficeKey(List<Recipient> recipients) {
        this.recipients = List.copyOf(recipients);
    }

    /** The private key a PKESK packet names, if this office holds it. */
    Optional<PGPPrivateKey> forRecipient(KeyIdentifier named) {
        return recipients.stream().filter(r -> !named.isWildcard() && named.matches(r.id()))
                .map(Recipient::privateKey).findFirst();
    }

    /** Every private key, tried in turn for a message that hides its recipient (gpg --throw-keyids). */
    List<PGPPrivateKey> all() {
        return recipients.stream().map(Recipient::privateKey).toList();
    }
}
