# One image for every Switchyard service; the command names the service:
#   docker run switchyard ingress | routing-engine | provider-workers | metrics-streams | mock-provider
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -q -B -DskipTests -pl launcher -am install

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/launcher/target/switchyard-launcher.jar /app/switchyard-launcher.jar
COPY --from=build /src/launcher/target/lib /app/lib
ENTRYPOINT ["java", "-cp", "/app/switchyard-launcher.jar:/app/lib/*", "dev.switchyard.launcher.SwitchyardMain"]
CMD ["--help"]
