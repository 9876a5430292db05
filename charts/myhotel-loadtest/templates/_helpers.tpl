{{/* vim: set filetype=mustache: */}}

{{- define "myhotel-loadtest.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Name of the Job (and prefix of the other objects): <release>, or <release>-loadtest when the
release name does not contain "loadtest". At most 52 characters (the Job's pods append a suffix).
*/}}
{{- define "myhotel-loadtest.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" -}}
{{- else if contains "loadtest" .Release.Name -}}
{{- .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-loadtest" .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "myhotel-loadtest.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Selector labels. part-of=myhotel and component=loadtest are what the myhotel chart's opt-in
NetworkPolicy rule (networkPolicy.loadTestClients) admits.
*/}}
{{- define "myhotel-loadtest.selectorLabels" -}}
app.kubernetes.io/name: {{ include "myhotel-loadtest.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: loadtest
{{- end -}}

{{- define "myhotel-loadtest.labels" -}}
helm.sh/chart: {{ include "myhotel-loadtest.chart" . }}
{{ include "myhotel-loadtest.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: myhotel
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Resource name prefix of the target myhotel release, computed like the myhotel chart does by
default (<release>, or <release>-myhotel), unless target.fullname says otherwise.
*/}}
{{- define "myhotel-loadtest.targetFullname" -}}
{{- $release := required "target.release is required" .Values.target.release -}}
{{- if .Values.target.fullname -}}
{{- .Values.target.fullname | trunc 40 | trimSuffix "-" -}}
{{- else if contains "myhotel" $release -}}
{{- $release | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-myhotel" $release | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* BASE_URL: target.baseUrl, else the hotel Service. */}}
{{- define "myhotel-loadtest.baseUrl" -}}
{{- .Values.target.baseUrl | default (printf "http://%s-hotel" (include "myhotel-loadtest.targetFullname" .)) | trimSuffix "/" -}}
{{- end -}}

{{/* AUTH_URL: target.authUrl, else baseUrl when that is set (one gateway), else the auth Service. */}}
{{- define "myhotel-loadtest.authUrl" -}}
{{- if .Values.target.authUrl -}}
{{- .Values.target.authUrl | trimSuffix "/" -}}
{{- else if .Values.target.baseUrl -}}
{{- .Values.target.baseUrl | trimSuffix "/" -}}
{{- else -}}
{{- printf "http://%s-auth" (include "myhotel-loadtest.targetFullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "myhotel-loadtest.credentialsSecret" -}}
{{- .Values.credentials.existingSecret | default (printf "%s-auth" (include "myhotel-loadtest.targetFullname" .)) -}}
{{- end -}}

{{- define "myhotel-loadtest.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (toString .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/*
The k6 scripts: files/scripts/**.ts are byte-identical copies of loadtest/ (scripts/render-k8s.ts
syncs them, a chart test compares them). ConfigMap keys cannot contain "/": lib/common.ts is
stored as lib_common.ts and mounted back at lib/common.ts. Output: a YAML list of {key, path}.
*/}}
{{- define "myhotel-loadtest.scriptFiles" -}}
{{- range $file, $_ := .Files.Glob "files/scripts/**.ts" }}
{{- $path := trimPrefix "files/scripts/" $file }}
- key: {{ replace "/" "_" $path }}
  path: {{ $path }}
  file: {{ $file }}
{{- end }}
{{- end -}}
