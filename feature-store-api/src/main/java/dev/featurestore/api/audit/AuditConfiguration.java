package dev.featurestore.api.audit;

import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.erasure.KeyDigests;
import dev.featurestore.storage.audit.JdbcAuditLog;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The audit log every feature records into: {@code auditLog.record(Caller.current().did(...))}. */
@Configuration(proxyBeanMethods = false)
class AuditConfiguration {
  @Bean
  AuditLog auditLog(DataSource dataSource, KeyDigests keyDigests) {
    return new JdbcAuditLog(dataSource, keyDigests);
  }
}
