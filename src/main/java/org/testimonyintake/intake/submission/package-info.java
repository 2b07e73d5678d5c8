/**
 * What a submission is and how it is accepted, free of any web type: the service that encrypts or checks and stores
 * it, the reasons it may be refused, the questionnaire, the form token and the limits. It depends on {@code format},
 * {@code store}, {@code upload} and {@code i18n}; {@code SubmissionPackageTest} keeps Javalin, Jetty and the servlet
 * API out of it.
 */
package org.testimonyintake.intake.submission;
