/** The languages of the source's pages and their texts, from {@code i18n/messages_<tag>.properties}. Depends on nothing. */
package org.testimonyintake.intake.i18n;
