{{/* vim: set filetype=mustache: */}}

{{- define "myhotel.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Resource name prefix: <release>-<chart>, or just <release> when it already contains the
chart name (myhotel -> myhotel-auth, myhotel-hotel, myhotel-postgresql).
*/}}
{{- define "myhotel.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "myhotel.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Standard labels. Call with (dict "ctx" $ "component" "auth").
*/}}
{{- define "myhotel.labels" -}}
helm.sh/chart: {{ include "myhotel.chart" .ctx }}
{{ include "myhotel.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: myhotel
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Selector labels: a stable subset of the standard labels (never the version or chart).
*/}}
{{- define "myhotel.selectorLabels" -}}
app.kubernetes.io/name: {{ include "myhotel.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Labels shared by every pod of the release (NetworkPolicy default deny, DNS egress). */}}
{{- define "myhotel.releaseSelectorLabels" -}}
app.kubernetes.io/name: {{ include "myhotel.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Image reference: repo[:tag][@digest]. Call with (dict "repository" r "tag" t "digest" d). */}}
{{- define "myhotel.imageRef" -}}
{{- if .digest -}}
{{- printf "%s@%s" .repository .digest -}}
{{- else -}}
{{- printf "%s:%s" .repository (toString .tag) -}}
{{- end -}}
{{- end -}}

{{/* Image of a service. Call with (dict "ctx" $ "svc" "auth"). */}}
{{- define "myhotel.serviceImage" -}}
{{- $v := index .ctx.Values .svc -}}
{{- $repo := $v.image.repository | default (printf "%s/%s" (trimSuffix "/" .ctx.Values.image.registry) .svc) -}}
{{- $tag := $v.image.tag | default .ctx.Values.image.tag | default .ctx.Chart.AppVersion -}}
{{- include "myhotel.imageRef" (dict "repository" $repo "tag" $tag "digest" .ctx.Values.image.digest) -}}
{{- end -}}

{{- define "myhotel.postgresql.fullname" -}}
{{- printf "%s-postgresql" (include "myhotel.fullname" .) -}}
{{- end -}}

{{/* Secret holding the database passwords (superuser, auth role, hotel role). */}}
{{- define "myhotel.database.secretName" -}}
{{- if and .Values.postgresql.enabled .Values.postgresql.auth.existingSecret -}}
{{- .Values.postgresql.auth.existingSecret -}}
{{- else if and (not .Values.postgresql.enabled) .Values.externalDatabase.existingSecret -}}
{{- .Values.externalDatabase.existingSecret -}}
{{- else -}}
{{- printf "%s-db" (include "myhotel.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* Whether the chart owns (and may generate) the database Secret. */}}
{{- define "myhotel.database.generateSecret" -}}
{{- if .Values.postgresql.enabled -}}
{{- if not .Values.postgresql.auth.existingSecret -}}true{{- end -}}
{{- else -}}
{{- if not .Values.externalDatabase.existingSecret -}}true{{- end -}}
{{- end -}}
{{- end -}}

{{/* Key of a role password in the database Secret. Call with (dict "ctx" $ "svc" "auth"). */}}
{{- define "myhotel.database.passwordKey" -}}
{{- $keys := ternary .ctx.Values.postgresql.auth.secretKeys .ctx.Values.externalDatabase.secretKeys .ctx.Values.postgresql.enabled -}}
{{- index $keys (printf "%sPassword" .svc) -}}
{{- end -}}

{{- define "myhotel.database.host" -}}
{{- if .Values.postgresql.enabled -}}
{{- include "myhotel.postgresql.fullname" . -}}
{{- else -}}
{{- required "externalDatabase.host is required when postgresql.enabled=false" .Values.externalDatabase.host -}}
{{- end -}}
{{- end -}}

{{- define "myhotel.database.port" -}}
{{- if .Values.postgresql.enabled -}}5432{{- else -}}{{ .Values.externalDatabase.port }}{{- end -}}
{{- end -}}

{{- define "myhotel.database.name" -}}
{{- ternary .Values.postgresql.database .Values.externalDatabase.database .Values.postgresql.enabled -}}
{{- end -}}

{{- define "myhotel.database.sslMode" -}}
{{- ternary "disable" .Values.externalDatabase.sslMode .Values.postgresql.enabled -}}
{{- end -}}

{{/* Secret with the JWT signing key and the admin password. */}}
{{- define "myhotel.auth.secretName" -}}
{{- .Values.auth.existingSecret | default (printf "%s-auth" (include "myhotel.fullname" .)) -}}
{{- end -}}

{{/* terminationGracePeriodSeconds derived from the drain settings. */}}
{{- define "myhotel.terminationGracePeriodSeconds" -}}
{{- $ms := add .Values.shutdown.delayMs .Values.shutdown.timeoutMs -}}
{{- add (div (add $ms 999) 1000) .Values.shutdown.graceMarginSeconds -}}
{{- end -}}

{{/*
A value of an existing Secret in the cluster (base64), or the given default. Helm's lookup
returns nothing under `helm template` and --dry-run, so those always show fresh values.
Call with (dict "ctx" $ "name" secretName "key" key "default" b64value).
*/}}
{{- define "myhotel.secretValue" -}}
{{- $secret := lookup "v1" "Secret" .ctx.Release.Namespace .name | default dict -}}
{{- $data := get $secret "data" | default dict -}}
{{- get $data .key | default .default -}}
{{- end -}}
