#!/bin/bash
# Load conda, put the environments in project storage, create the environment from
# environment.yml (see README.md).
