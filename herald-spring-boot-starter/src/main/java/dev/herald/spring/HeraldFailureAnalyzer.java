package dev.herald.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a wrong Herald property into Spring Boot's "APPLICATION FAILED TO START" report: the one
 * line that names the property, and where to fix it. Called once, on the failing start-up thread.
 */
final class HeraldFailureAnalyzer extends AbstractFailureAnalyzer<HeraldConfigurationException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, HeraldConfigurationException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Correct that property (application.properties, application.yaml or the environment);"
            + " the Herald properties are listed in the README's Spring Boot section.",
        cause);
  }
}
