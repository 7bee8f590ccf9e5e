package dev.featurestore.api.iceberg;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.featurestore.api.config.FeatureStoreProperties;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.training.TrainingSetCatalog;
import dev.featurestore.storage.iceberg.IcebergTables;
import javax.sql.DataSource;
import org.apache.iceberg.rest.RESTSerializers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Feature groups and training sets as Iceberg tables, served by the REST catalog at /iceberg. */
@Configuration(proxyBeanMethods = false)
class IcebergConfiguration {
  @Bean
  IcebergTables icebergTables(
      DataSource dataSource,
      Catalog catalog,
      TrainingSetCatalog trainingSets,
      ObjectStore objectStore,
      FeatureStoreProperties properties) {
    return new IcebergTables(
        dataSource, catalog, trainingSets, objectStore, properties.objectUris());
  }

  /**
   * Iceberg's JSON, as its own REST server writes it (Iceberg's RESTObjectMapper, which is not
   * public): Jackson 2 with Iceberg's serializers, kebab-case names, fields visible.
   */
  static ObjectMapper icebergJson() {
    ObjectMapper mapper = new ObjectMapper();
    mapper.setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
    mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    mapper.setPropertyNamingStrategy(new PropertyNamingStrategies.KebabCaseStrategy());
    RESTSerializers.registerAll(mapper);
    return mapper;
  }
}
