package dev.featurestore.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The feature store server: REST API, jobs and the online listener over the catalog and object
 * store.
 */
@SpringBootApplication
public class FeatureStoreApplication {
  public static void main(String[] args) {
    SpringApplication.run(FeatureStoreApplication.class, args);
  }
}
