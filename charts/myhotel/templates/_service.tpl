{{/*
One template for both services (auth, hotel): ConfigMap, ServiceAccount, Service, Deployment,
HorizontalPodAutoscaler and PodDisruptionBudget. Call with (dict "ctx" $ "svc" "auth").
*/}}
{{- define "myhotel.service" -}}
{{- $ctx := .ctx -}}
{{- $svc := .svc -}}
{{- $v := index $ctx.Values $svc -}}
{{- $name := printf "%s-%s" (include "myhotel.fullname" $ctx) $svc -}}
{{- $labelArgs := dict "ctx" $ctx "component" $svc -}}
{{- $configMap := include "myhotel.service.configMap" . -}}
{{ $configMap }}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ $name }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "myhotel.labels" $labelArgs | nindent 4 }}
automountServiceAccountToken: false
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "myhotel.labels" $labelArgs | nindent 4 }}
spec:
  type: {{ $ctx.Values.service.type }}
  selector:
    {{- include "myhotel.selectorLabels" $labelArgs | nindent 4 }}
  ports:
    - name: http
      port: {{ $ctx.Values.service.port }}
      targetPort: http
      protocol: TCP
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "myhotel.labels" $labelArgs | nindent 4 }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "myhotel.selectorLabels" $labelArgs | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "myhotel.labels" $labelArgs | nindent 8 }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ $configMap | sha256sum }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ $name }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      terminationGracePeriodSeconds: {{ include "myhotel.terminationGracePeriodSeconds" $ctx }}
      {{- with $ctx.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      securityContext:
        {{- toYaml $ctx.Values.podSecurityContext | nindent 8 }}
      {{- if $ctx.Values.migrations.enabled }}
      initContainers:
        - name: migrate
          image: {{ include "myhotel.serviceImage" (dict "ctx" $ctx "svc" $svc) }}
          imagePullPolicy: {{ $ctx.Values.image.pullPolicy }}
          command: ["node", "/app/bin/migrate.js"]
          {{- include "myhotel.service.env" . | nindent 10 }}
          securityContext:
            {{- toYaml $ctx.Values.containerSecurityContext | nindent 12 }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      {{- end }}
      containers:
        - name: {{ $svc }}
          image: {{ include "myhotel.serviceImage" (dict "ctx" $ctx "svc" $svc) }}
          imagePullPolicy: {{ $ctx.Values.image.pullPolicy }}
          command: ["node", "/app/bin/main.js"]
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
          {{- include "myhotel.service.env" . | nindent 10 }}
          startupProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 2
            timeoutSeconds: 2
            failureThreshold: 30
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: /readyz
              port: http
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 2
            successThreshold: 1
          securityContext:
            {{- toYaml $ctx.Values.containerSecurityContext | nindent 12 }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
      {{- if $ctx.Values.topologySpread.enabled }}
      topologySpreadConstraints:
        {{- range $key := list "topology.kubernetes.io/zone" "kubernetes.io/hostname" }}
        - topologyKey: {{ $key }}
          maxSkew: {{ $ctx.Values.topologySpread.maxSkew }}
          whenUnsatisfiable: {{ $ctx.Values.topologySpread.whenUnsatisfiable }}
          labelSelector:
            matchLabels:
              {{- include "myhotel.selectorLabels" $labelArgs | nindent 14 }}
          matchLabelKeys:
            - pod-template-hash
        {{- end }}
      {{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- if $v.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ $name }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "myhotel.labels" $labelArgs | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $name }}
  minReplicas: {{ $v.autoscaling.minReplicas }}
  maxReplicas: {{ $v.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $v.autoscaling.targetCPUUtilizationPercentage }}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
{{- end }}
{{- if $v.pdb.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $name }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "myhotel.labels" $labelArgs | nindent 4 }}
spec:
  {{- if hasKey $v.pdb "minAvailable" }}
  minAvailable: {{ $v.pdb.minAvailable }}
  {{- else }}
  maxUnavailable: {{ $v.pdb.maxUnavailable }}
  {{- end }}
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      {{- include "myhotel.selectorLabels" $labelArgs | nindent 6 }}
{{- end }}
{{- end -}}

{{/* The service's ConfigMap (non-secret environment). */}}
{{- define "myhotel.service.configMap" -}}
{{- $ctx := .ctx -}}
{{- $svc := .svc -}}
{{- $v := index $ctx.Values $svc -}}
{{- $fullname := include "myhotel.fullname" $ctx -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ printf "%s-%s" $fullname $svc }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "myhotel.labels" (dict "ctx" $ctx "component" $svc) | nindent 4 }}
data:
  NODE_ENV: production
  PORT: "8080"
  LOG_LEVEL: {{ $ctx.Values.config.logLevel | quote }}
  DATABASE_HOST: {{ include "myhotel.database.host" $ctx | quote }}
  DATABASE_PORT: {{ include "myhotel.database.port" $ctx | quote }}
  DATABASE_NAME: {{ include "myhotel.database.name" $ctx | quote }}
  DATABASE_USER: {{ $svc | quote }}
  DATABASE_SSL: {{ include "myhotel.database.sslMode" $ctx | quote }}
  DB_POOL_MAX: {{ $ctx.Values.config.dbPoolMax | quote }}
  SHUTDOWN_DELAY_MS: {{ $ctx.Values.shutdown.delayMs | quote }}
  SHUTDOWN_TIMEOUT_MS: {{ $ctx.Values.shutdown.timeoutMs | quote }}
  JWT_ISSUER: {{ $ctx.Values.config.jwt.issuer | quote }}
  JWT_AUDIENCE: {{ $ctx.Values.config.jwt.audience | quote }}
  {{- with $ctx.Values.config.corsAllowedOrigins }}
  CORS_ALLOWED_ORIGINS: {{ join "," . | quote }}
  {{- end }}
  {{- if eq $svc "auth" }}
  ACCESS_TOKEN_TTL_SECONDS: {{ $v.accessTokenTtlSeconds | quote }}
  REFRESH_TOKEN_TTL_DAYS: {{ $v.refreshTokenTtlDays | quote }}
  ADMIN_EMAIL: {{ $v.admin.email | quote }}
  TRUST_PROXY: {{ $v.trustProxy | quote }}
  {{- with $v.jwtKeyId }}
  JWT_KEY_ID: {{ . | quote }}
  {{- end }}
  {{- else }}
  JWKS_URL: {{ printf "http://%s-auth/.well-known/jwks.json" $fullname | quote }}
  {{- end }}
  {{- range $k, $val := $v.extraEnv }}
  {{ $k }}: {{ $val | toString | quote }}
  {{- end }}
{{- end -}}

{{/* envFrom (ConfigMap) + env (Secrets) of a service's containers. */}}
{{- define "myhotel.service.env" -}}
{{- $ctx := .ctx -}}
{{- $svc := .svc -}}
envFrom:
  - configMapRef:
      name: {{ printf "%s-%s" (include "myhotel.fullname" $ctx) $svc }}
env:
  - name: DATABASE_PASSWORD
    valueFrom:
      secretKeyRef:
        name: {{ include "myhotel.database.secretName" $ctx }}
        key: {{ include "myhotel.database.passwordKey" . }}
  {{- if eq $svc "auth" }}
  - name: JWT_PRIVATE_KEY
    valueFrom:
      secretKeyRef:
        name: {{ include "myhotel.auth.secretName" $ctx }}
        key: {{ $ctx.Values.auth.secretKeys.jwtPrivateKey }}
  - name: ADMIN_PASSWORD
    valueFrom:
      secretKeyRef:
        name: {{ include "myhotel.auth.secretName" $ctx }}
        key: {{ $ctx.Values.auth.secretKeys.adminPassword }}
  # Optional: the previous public key (SPKI PEM), still published in the JWKS after a rotation.
  - name: JWT_PREVIOUS_PUBLIC_KEY
    valueFrom:
      secretKeyRef:
        name: {{ include "myhotel.auth.secretName" $ctx }}
        key: {{ $ctx.Values.auth.secretKeys.jwtPreviousPublicKey }}
        optional: true
  {{- end }}
{{- end -}}
