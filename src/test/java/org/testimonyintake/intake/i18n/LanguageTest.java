package org.testimonyintake.intake.i18n;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LanguageTest {
    @Test
    void firstChoiceAmongOursFromAcceptLanguage() {
        assertEquals(Language.KO, Language.fromAcceptLanguage("ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7"));
        assertEquals(Language.RU, Language.fromAcceptLanguage("ru-RU,ru;q=0.9"));
        assertEquals(Language.RU, Language.fromAcceptLanguage("de-DE,ru;q=0.5,en;q=0.2"));
        assertEquals(Language.EN, Language.fromAcceptLanguage("en-US,en;q=0.5")); // what Tor Browser sends
    }

    @Test
    void englishWhenNothingFitsOrTheHeaderIsGarbled() {
        assertEquals(Language.EN, Language.fromAcceptLanguage(null));
        assertEquals(Language.EN, Language.fromAcceptLanguage("de, fr"));
        assertEquals(Language.EN, Language.fromAcceptLanguage(";;q=x,,\u0000"));
    }

    @Test
    void tagsAreLowerCaseAndChosenWithoutRegardToCase() {
        assertEquals("ko", Language.KO.tag());
        assertEquals(Language.RU, Language.fromTag("RU").orElseThrow());
        assertEquals(true, Language.fromTag("ko-KR").isEmpty());
    }
}
