package dev.featurestore.api.console;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The browser console: its files are static resources under {@code /console/assets/}, and every
 * page the console draws in the browser ({@code /console/feature-groups/{name}}, ...) is answered
 * with its index page, so that a bookmarked or shared URL opens that page. Only these page paths
 * are listed, never a pattern over all of {@code /console/}: a missing asset stays a 404. Every
 * response under {@code /console} carries {@link ConsoleSecurityHeaders}.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleRoutes implements WebMvcConfigurer {
  static final String INDEX = "/console/index.html";

  /** The paths of the console's pages, as its router (assets/app.js) knows them. */
  static final String[] PAGES = {
    "/console",
    "/console/",
    "/console/catalog",
    "/console/feature-groups/*",
    "/console/training-sets",
    "/console/training-sets/*",
    "/console/lineage",
    "/console/lineage/*/*",
    "/console/models/*/*",
    "/console/erasures",
    "/console/erasures/*",
    "/console/audit",
    "/console/grants",
    "/console/feature-group-deletions/*"
  };

  @Override
  public void addViewControllers(ViewControllerRegistry registry) {
    for (String page : PAGES) {
      registry.addViewController(page).setViewName("forward:" + INDEX);
    }
  }

  @Bean
  FilterRegistrationBean<ConsoleSecurityHeaders> consoleSecurityHeaders() {
    FilterRegistrationBean<ConsoleSecurityHeaders> registration =
        new FilterRegistrationBean<>(new ConsoleSecurityHeaders());
    // A servlet path pattern: matches /console itself and everything under it.
    registration.addUrlPatterns("/console/*");
    return registration;
  }
}
